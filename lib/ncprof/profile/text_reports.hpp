#pragma once
// pprof's -traces, -tags, -peek and -list reports, byte for byte as `go tool pprof`
// (Go 1.19) prints them, with top's options (sample index, focus, ignore,
// hide, show, granularity).
#include <map>
#include <string>
#include <vector>

#include "ncprof/profile/profile.hpp"
#include "ncprof/profile/top.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

// Each report can hand back what its filters warn about ("Focus expression
// matched no samples", ...) through `warnings`, for stderr.

// Each sample's stack (leaf first, inlined calls marked), labels and value.
Result<std::string> render_traces(const Profile& p, const TopOptions& opts,
                                  std::vector<std::string>* warnings = nullptr);

// Every label key with its values' totals and shares of the key's total.
Result<std::string> render_tags(const Profile& p, const TopOptions& opts, std::vector<std::string>* warnings = nullptr);

// The callers and callees of every function whose name matches `pattern`
// (pprof's -peek=RE); no match is a usage error naming the pattern.
Result<std::string> render_peek(const Profile& p, const TopOptions& opts, const std::string& pattern,
                                std::vector<std::string>* warnings = nullptr);

// Where `list` looks for sources (pprof's -source_path and -trim_path:
// lists separated by ':'; an empty search path means the current
// directory). go_roots: Go installations and module caches searched after
// pprof's own search fails (ncprof's addition, for profiles built
// elsewhere).
struct SourceOptions {
  std::string search_path;
  std::string trim_path;
  std::vector<std::string> go_roots;
};

// Annotated source of every function whose name matches `pattern`
// (pprof's -list=RE): flat and cum per line. `missing` gets the files that
// could not be read.
Result<std::string> render_list(const Profile& p, const TopOptions& opts, const std::string& pattern,
                                const SourceOptions& src, std::vector<std::string>* missing = nullptr,
                                std::vector<std::string>* warnings = nullptr);

}  // namespace ncprof::profile
