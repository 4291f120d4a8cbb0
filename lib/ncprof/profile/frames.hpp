#pragma once
// The frames of a profile as pprof's graph package sees them: at a
// granularity (functions, lines, files, addresses), after the focus,
// ignore, hide and show filters. Each distinct NodeInfo is one node; each
// sample walks its nodes root to leaf, inlined calls as frames of their
// own. The top table and the flame graph both aggregate over this.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ncprof/profile/profile.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

enum class Granularity { functions, lines, files, addresses };

Result<Granularity> parse_granularity(const std::string& s);

// Go's path.Clean, used on source file names.
std::string clean_path(const std::string& path);
// Go's path.Base.
std::string path_base(std::string path);

// pprof's graph.NodeInfo: what makes two frames the same row.
struct NodeInfo {
  std::string name;
  std::uint64_t address = 0;
  std::string file;
  std::int64_t start_line = 0;
  std::int64_t lineno = 0;
  std::string objfile;

  std::string key() const;
  // The row's name as pprof prints it.
  std::string printable() const;
  // fmt.Sprint of the Go struct: pprof's last tie-breaker.
  std::string sprint() const;
};

struct FrameNode {
  NodeInfo info;
  std::string name;        // printable
  std::string source_file; // the function's file (any granularity), for tooltips
  bool inlinable = false;  // appears as an inlined frame somewhere
};

struct FrameOptions {
  Granularity granularity = Granularity::functions;
  std::string focus, ignore, hide, show;  // regular expressions
  // Tag filters (see labels.hpp): tagfocus and tagignore select samples;
  // tagshow and taghide only show among the active filters (they change
  // labels, see filter_tags_by_name).
  std::string tagfocus, tagignore, tagshow, taghide;
  // pprof's -show_from (drop the frames above the highest, root-most,
  // matching frame; samples without one go) and -prune_from (drop the
  // frames beneath the lowest matching frame), after the filters above.
  std::string show_from, prune_from;
  // pprof's ObjNames (its source listings): every node keeps its binary
  // and its function's start line, not only nameless ones.
  bool obj_names = false;
};

class Frames {
 public:
  // Resolves every location of p; bad regular expressions are usage errors.
  static Result<Frames> build(const Profile& p, const FrameOptions& opts);

  const std::vector<FrameNode>& nodes() const { return nodes_; }
  // "focus=RE", ... for the filters in use.
  const std::vector<std::string>& active_filters() const { return active_filters_; }
  // "Focus expression matched no samples", ...
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Whether a sample survives focus/ignore and keeps a frame after
  // hide/show, and passes the tag filters (one without locations never does).
  bool keeps(const Sample& s) const;

  // The profile as pprof's filters leave it (FilterSamplesByName): samples
  // that survive, without their hidden locations; locations without their
  // hidden lines.
  Profile filtered(const Profile& p) const;

  // Calls fn(node, is_inline) for each node of a sample, root to leaf.
  template <class Fn>
  void walk(const Sample& s, Fn&& fn) const {
    const std::int32_t* codes = id_code_.empty() ? nullptr : id_code_.data();
    std::size_t lo = 0, hi = s.location_ids.size();
    if (cutting_) std::tie(lo, hi) = cut_range(s);
    for (std::size_t f = hi; f-- > lo;) {
      const std::uint64_t id = s.location_ids[f];
      const std::int32_t c = codes ? codes[id] : li_code_[loc_index_.find(id)];
      if (c >= 0) {
        fn(c, false);
        continue;
      }
      if (c == kHidden) continue;
      const auto li = static_cast<std::size_t>(-(c + 2));
      const std::uint32_t first = loc_offset_[li], last = loc_offset_[li + 1];
      for (std::uint32_t k = last; k-- > first;) fn(loc_nodes_[k], k != last - 1);
    }
  }

 private:
  bool keeps_by_name(const Sample& s) const;  // keeps() without the tag filters
  // The frames [lo, hi) of a sample that show_from and prune_from leave
  // (leaf first); hi is 0 when show_from matched none of them.
  std::pair<std::size_t, std::size_t> cut_range(const Sample& s) const;
  static constexpr std::int32_t kHidden = std::numeric_limits<std::int32_t>::min();

  std::vector<FrameNode> nodes_;
  std::vector<std::string> active_filters_;
  std::vector<std::string> warnings_;
  bool filtering_ = false;
  bool cutting_ = false;  // show_from or prune_from
  bool show_from_ = false;
  // Per location: 1 show_from matched it, 2 prune_from did (bits).
  std::vector<signed char> loc_cut_;
  std::function<bool(const Sample&)> tag_focus_, tag_ignore_;
  // Per location: focus decision (-1 none, 0 ignored, 1 focused), hidden.
  std::vector<signed char> loc_focus_;
  std::vector<char> loc_hidden_;
  std::vector<std::vector<Line>> loc_lines_;  // after hide/show, when filtering
  IdIndex loc_index_;
  // Frame lookups dominate a large profile: one int per location says
  // "this single node", "hidden" or "several lines at location index li"
  // (nodes loc_nodes_[loc_offset_[li] .. loc_offset_[li + 1]), leaf first).
  std::vector<std::uint32_t> loc_offset_;
  std::vector<std::int32_t> loc_nodes_;
  std::vector<std::int32_t> li_code_;
  std::vector<std::int32_t> id_code_;  // by location id, when ids are dense
};

}  // namespace ncprof::profile
