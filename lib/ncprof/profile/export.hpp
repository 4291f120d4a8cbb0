#pragma once
// The exchange formats: folded stacks (flamegraph.pl, inferno, speedscope
// read them), difffolded.pl's two-column form, speedscope's own JSON, and
// the filtered profile itself (pprof -proto).
#include <string>

#include "ncprof/profile/profile.hpp"
#include "ncprof/profile/top.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

// "root;caller;leaf value" per distinct stack (inlined calls are frames of
// their own, as -traces shows them), in first-seen order; stacks whose
// values add up to zero are left out. A ';' inside a name becomes ':'.
Result<std::string> export_folded(const Profile& p, const TopOptions& opts);

// "stack base new" per stack of either profile (difffolded.pl's output).
Result<std::string> export_folded_diff(const Profile& base, const Profile& current, const TopOptions& opts);

// speedscope's file format: one sampled profile per sample type (the
// selected one shown first), weights in the type's unit.
Result<std::string> export_speedscope(const Profile& p, const TopOptions& opts, const std::string& name);

// The profile after focus, ignore, hide and show, as pprof -proto writes it.
Result<Profile> export_filtered(const Profile& p, const TopOptions& opts);

}  // namespace ncprof::profile
