#pragma once
#include "ncprof/profile/profile.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

// pprof's RemoveUninteresting: when the profile names drop_frames (and
// keep_frames), frames matching it and everything beneath them (toward
// the leaf) are removed from each sample, below its first user frame.
Result<void> remove_uninteresting(Profile& p);

}  // namespace ncprof::profile
