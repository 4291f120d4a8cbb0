#pragma once
#include "ncprof/profile/profile.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

// pprof's RemoveUninteresting: when the profile names drop_frames (and
// keep_frames), frames matching it and everything beneath them (toward
// the leaf) are removed from each sample, below its first user frame.
Result<void> remove_uninteresting(Profile& p);

// pprof's simplifyFunc: drop a leading '.' and the argument list, but not
// the parentheses of "(anonymous namespace)" or "operator()".
std::string simplify_func(const std::string& name);

}  // namespace ncprof::profile
