#pragma once
// pprof's -traces, -tags and -peek reports, byte for byte as `go tool pprof`
// (Go 1.19) prints them, with top's options (sample index, focus, ignore,
// hide, show, granularity).
#include <map>
#include <string>

#include "ncprof/profile/profile.hpp"
#include "ncprof/profile/top.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

// Each sample's stack (leaf first, inlined calls marked), labels and value.
Result<std::string> render_traces(const Profile& p, const TopOptions& opts);

// Every label key with its values' totals and shares of the key's total.
Result<std::string> render_tags(const Profile& p, const TopOptions& opts);

// The callers and callees of every function whose name matches `pattern`
// (pprof's -peek=RE); no match is a usage error naming the pattern.
Result<std::string> render_peek(const Profile& p, const TopOptions& opts, const std::string& pattern);

// The unit of each numeric label key, as pprof's NumLabelUnits infers it:
// the first unit seen with the key, else "bytes" for alignment and
// request, else the key itself.
std::map<std::string, std::string> num_label_units(const Profile& p);

}  // namespace ncprof::profile
