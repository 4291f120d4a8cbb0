#pragma once
// The text forms net/http/pprof serves with ?debug=1 (and `ncprof capture
// --debug 1` saves): heap and allocs ("heap profile: ..."), goroutine and
// threadcreate ("goroutine profile: total N"), block and mutex ("---
// contention:", "--- mutex:"). Values, sample types and stacks are read as
// pprof's legacy parsers read them (the same numbers, the same location
// per address); the function names and file:line of the "#" lines that
// follow each stack name those locations, which pprof can only show as
// bare addresses without the binary.
#include <string>
#include <string_view>

#include "ncprof/profile/profile.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

// Whether text starts as one of these forms (its first line that is not
// blank or a comment is a header ncprof knows).
bool looks_legacy_text(std::string_view text);

// A line that is not what its form allows is an error naming source:line.
// The profile's comment says which form was read.
Result<Profile> parse_legacy_text(std::string_view text, const std::string& source);

}  // namespace ncprof::profile
