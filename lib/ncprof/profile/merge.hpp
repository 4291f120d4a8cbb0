#pragma once
#include <string>
#include <vector>

#include "ncprof/profile/profile.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

// What the merge's caller reads of the samples. `combined`: the samples
// themselves, as pprof's merge leaves them. `summed`: only sums over
// samples (top's flat and cum, call-edge weights) and the total of their
// |values|. Then samples are concatenated instead of combined (no table of
// every stack) when that changes none of those: each input's values have
// one sign, and inputs of opposite signs cannot hold equal samples.
enum class SampleUse { combined, summed };

// Merges profiles by pprof's rules: same sample types and period type;
// samples with the same locations and labels add up; all-zero samples are
// dropped; period = max, durations add, time = earliest. `sources` name
// the profiles in error messages.
Result<Profile> merge_profiles(const std::vector<const Profile*>& profiles, const std::vector<std::string>& sources);

// The same, consuming the profiles: their stacks move into the result, so
// the merge of large profiles holds each sample once, not twice.
Result<Profile> merge_owned_profiles(std::vector<Profile> profiles, const std::vector<std::string>& sources,
                                     SampleUse use = SampleUse::combined);

// Multiplies every value by ratio (rounded) and drops samples that become
// all zero, as pprof's Scale does.
void scale_profile(Profile& p, double ratio);

// pprof's Normalize: scales each sample type of p so that its total is
// the base's (pprof's ScaleN: only the types whose ratio is not 1 are
// touched, and samples left zero in those go). No-op when the sample
// types differ (the merge that follows reports it).
void normalize_to(Profile& p, const Profile& base);

// The label pprof puts on the samples of a -diff_base profile.
inline constexpr const char* kBaseLabel = "pprof::base";

// Whether a sample is a -diff_base profile's base sample (pprof::base=true).
bool is_base_sample(const Sample& s);

// `new - base`, as `go tool pprof -base` (diff_base = false) or
// `-diff_base` (base samples labelled pprof::base=true).
// With normalize, current is first scaled to the base's totals (pprof -normalize).
Result<Profile> subtract_base(Profile current, Profile base, bool diff_base, const std::string& current_source,
                              const std::string& base_source, bool normalize = false,
                              SampleUse use = SampleUse::combined);

}  // namespace ncprof::profile
