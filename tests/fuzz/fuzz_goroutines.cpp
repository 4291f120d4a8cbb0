// libFuzzer: goroutine dumps (protobuf, debug=1, debug=2) and their growth.
#include <cstdint>
#include <string_view>

#include "ncprof/leak/goroutines.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto d = ncprof::leak::parse_goroutines(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (d) (void)ncprof::leak::goroutine_growth(*d, *d);
  return 0;
}
