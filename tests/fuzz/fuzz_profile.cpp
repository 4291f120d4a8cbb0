// libFuzzer: pprof protobuf (gzip or raw) through decode, pruning and the top table.
#include <cstdint>
#include <string_view>

#include "ncprof/profile/codec.hpp"
#include "ncprof/profile/prune.hpp"
#include "ncprof/profile/top.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ncprof::profile;
  DecodeOptions opts;
  opts.max_decompressed = 16 << 20;
  auto p = decode_profile(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", opts);
  if (!p) return 0;
  (void)remove_uninteresting(*p);
  for (std::size_t si = 0; si < p->sample_types.size() && si < 4; ++si) {
    TopOptions top;
    top.sample_index = std::to_string(si);
    if (auto r = compute_top(*p, top)) (void)render_top_text(*p, *r);
  }
  (void)encode_profile(*p);
  return 0;
}
