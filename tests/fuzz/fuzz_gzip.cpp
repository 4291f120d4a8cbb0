// libFuzzer: gzip streams (one member, several, lying trailers) under a limit.
#include <cstdint>
#include <string_view>

#include "ncprof/util/gzip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)ncprof::util::gunzip(std::string_view(reinterpret_cast<const char*>(data), size), 16 << 20, "fuzz");
  return 0;
}
