#pragma once
// Sample labels as pprof reads them, and its tag filters: --tagfocus and
// --tagignore (a regexp, key=regexp, or a value range such as 1kb:1mb),
// --tagshow and --taghide (which label keys are kept).
#include <functional>
#include <map>
#include <string>

#include "ncprof/profile/profile.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

// A string label when it has a value; a numeric one when it has a number
// or a unit; else pprof drops it.
inline bool is_string_label(const Label& l) { return !l.str.empty(); }
inline bool is_numeric_label(const Label& l) { return l.str.empty() && (l.num != 0 || !l.num_unit.empty()); }

// The unit of each numeric label key, as pprof's NumLabelUnits infers it:
// the first unit seen with the key, else "bytes" for alignment and
// request, else the key itself.
std::map<std::string, std::string> num_label_units(const Profile& p);

using SamplePredicate = std::function<bool(const Sample&)>;

// pprof's compileTagFilter: "RE[,RE...]" (every one must match some
// "key:value" of the sample), "key=RE[,RE...]" (any matches a value of
// key), or a range of numeric label values ("64kb", "1kb:", ":1mb",
// "1kb:1mb", optionally "key=..."). `name` is the option, for errors;
// *is_range tells which reading was taken.
Result<SamplePredicate> compile_tag_filter(const std::string& name, const std::string& value,
                                           const std::map<std::string, std::string>& units, bool* is_range = nullptr);

// pprof's FilterTagsByName: labels whose key does not match show (when
// given) or matches hide are removed. Reports whether each matched a key.
Result<void> filter_tags_by_name(Profile& p, const std::string& show, const std::string& hide, bool* show_matched,
                                 bool* hide_matched);

}  // namespace ncprof::profile
