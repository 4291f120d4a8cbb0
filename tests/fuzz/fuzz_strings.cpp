// libFuzzer: everything a user types that ncprof parses: durations, sizes,
// rates, regular expressions, targets.
#include <cstdint>
#include <string>

#include "ncprof/targets/targets.hpp"
#include "ncprof/util/regex.hpp"
#include "ncprof/util/strings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ncprof;
  const std::string s(reinterpret_cast<const char*>(data), size);
  (void)util::parse_duration(s);
  (void)util::parse_size(s);
  (void)util::parse_rate(s, true);
  (void)util::parse_rate(s, false);
  (void)util::expand_env(s);
  (void)util::printable(s);
  (void)util::file_name_part(s);
  (void)targets::pprof_base_from(s);
  (void)targets::looks_like_path(s);
  if (auto re = util::Regex::compile(s, "fuzz")) (void)re->search(s);
  return 0;
}
