// libFuzzer: a /health/memory answer.
#include <cstdint>
#include <string_view>

#include "ncprof/capture/health.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)ncprof::capture::parse_health(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  return 0;
}
