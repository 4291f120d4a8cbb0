#pragma once
// Folded (collapsed) stacks as input: "root;caller;leaf 12" per line, the
// form flamegraph.pl's stackcollapse scripts, inferno and `ncprof export`
// write (pprof#659 asks pprof to read it).
#include <string>
#include <string_view>

#include "ncprof/profile/profile.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

// Whether text's first non-empty line is a folded stack line.
bool looks_folded(std::string_view text);

// One function and one location per distinct frame name, one sample per
// line (sample type samples/count); a bad line is an error naming
// source:line. The profile's comment says it was read from folded stacks.
Result<Profile> parse_folded(std::string_view text, const std::string& source);

}  // namespace ncprof::profile
