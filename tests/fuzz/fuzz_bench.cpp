// libFuzzer: Go benchmark output through benchstat's tables.
#include <cstdint>
#include <string_view>

#include "ncprof/bench/benchfmt.hpp"
#include "ncprof/bench/benchstat.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ncprof::bench;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Two halves as two files: a summary and a comparison.
  BenchData d;
  parse_bench(text.substr(0, size / 2), "old", d);
  parse_bench(text.substr(size / 2), "new", d);
  auto tables = build_tables(d, {0.05, 0.95});
  std::string warnings;
  (void)render_text(tables);
  (void)render_csv(tables, warnings);
  return 0;
}
