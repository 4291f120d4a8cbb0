// libFuzzer: pprof protobuf (gzip or raw) through decode (and the summary
// captures read, which must agree with it), pruning and the top table.
#include <cstdint>
#include <string_view>

#include "ncprof/profile/codec.hpp"
#include "ncprof/profile/prune.hpp"
#include "ncprof/profile/top.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ncprof::profile;
  DecodeOptions opts;
  opts.max_decompressed = 16 << 20;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto p = decode_profile(bytes, "fuzz", opts);
  auto summary = summarize_profile(bytes, "fuzz", opts);
  if (!p) return 0;
  // What decode accepts, the summary reads with the same figures.
  const ProfileSummary want = summarize(*p);
  if (!summary || summary->samples != want.samples || summary->total != want.total || summary->empty != want.empty ||
      summary->default_index != want.default_index || summary->sample_types != want.sample_types) {
    __builtin_trap();
  }
  (void)remove_uninteresting(*p);
  for (std::size_t si = 0; si < p->sample_types.size() && si < 4; ++si) {
    TopOptions top;
    top.sample_index = std::to_string(si);
    if (auto r = compute_top(*p, top)) (void)render_top_text(*p, *r);
  }
  (void)encode_profile(*p);
  return 0;
}
