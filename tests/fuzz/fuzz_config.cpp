// libFuzzer: the YAML config and the targets named on a command line.
#include <cstdint>
#include <string>

#include "ncprof/targets/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ncprof::targets;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto reg = parse_config(text, "fuzz.yaml", "");
  if (reg) {
    for (const auto& s : reg->services) (void)resolve_headers(s);
    // Each line as a target.
    std::vector<std::string> args;
    for (std::size_t p = 0, nl; p < text.size() && args.size() < 8; p = nl + 1) {
      nl = text.find('\n', p);
      if (nl == std::string::npos) nl = text.size();
      args.push_back(text.substr(p, nl - p));
    }
    (void)resolve_targets(*reg, args, false);
  }
  return 0;
}
