#pragma once
// The flat/cum table of `go tool pprof -top`: filters, node aggregation by
// granularity, trimming and ordering, computed as pprof's graph package does.
#include <cstdint>
#include <string>
#include <vector>

#include "ncprof/profile/frames.hpp"
#include "ncprof/profile/profile.hpp"
#include "ncprof/util/arith.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

struct TopOptions {
  std::string sample_index;  // name or number; empty means pprof's default
  Granularity granularity = Granularity::functions;
  bool cum_sort = false;
  int node_count = 0;  // 0: every node that survives trimming (pprof -top)
  bool trim = true;
  double node_fraction = 0.005;
  double edge_fraction = 0.001;
  std::string focus, ignore, hide, show;  // regular expressions
  std::string tagfocus, tagignore, tagshow, taghide;  // see labels.hpp
  std::string show_from, prune_from;                  // see FrameOptions
  // pprof's -mean: each value divided by the samples' first value (the
  // count), per row and in the total.
  bool mean = false;
  // pprof's -drop_negative: no rows whose flat (or, at zero flat, cum) is
  // negative.
  bool drop_negative = false;
  // pprof's -unit: "minimum" (top picks one unit for the table, other
  // reports scale each value), "auto" (each value), or a unit (kB, ms...).
  std::string output_unit = "minimum";
  bool with_edges = false;  // fill each row's callers and callees (peek)

  // The frames these options select (granularity and the four filters).
  FrameOptions frame_options() const {
    FrameOptions fo;
    fo.granularity = granularity;
    fo.focus = focus;
    fo.ignore = ignore;
    fo.hide = hide;
    fo.show = show;
    fo.tagfocus = tagfocus;
    fo.tagignore = tagignore;
    fo.tagshow = tagshow;
    fo.taghide = taghide;
    fo.show_from = show_from;
    fo.prune_from = prune_from;
    return fo;
  }
};

// A call edge of a row (with TopOptions::with_edges): the caller or callee,
// the weight of the samples through it, and whether the call was inlined
// every time.
struct TopEdge {
  std::string name;
  std::int64_t weight = 0;
  bool is_inline = false;
};

// pprof's isNegative, what -drop_negative drops: a negative flat, or a
// zero flat and a negative cum.
inline bool is_negative_node(std::int64_t flat, std::int64_t cum) { return flat < 0 || (flat == 0 && cum < 0); }

struct TopRow {
  std::string name;
  std::string inline_label;  // "", "(inline)" or "(partial-inline)"
  std::int64_t flat = 0;
  std::int64_t cum = 0;
  std::vector<TopEdge> callers, callees;  // pprof's order: by |weight|, then name
};

struct TopReport {
  std::string sample_type;
  std::string sample_unit;
  std::string output_unit;  // unit the values print in
  std::int64_t total = 0;   // denominator of the percentages
  std::int64_t shown_flat = 0;
  int dropped_nodes = 0;
  std::int64_t node_cutoff = 0;  // the "cum <= X" of the Dropped line
  int kept_nodes = 0;            // nodes before --nodecount
  std::vector<TopRow> rows;
  std::vector<std::string> active_filters;  // "focus=RE", ...
  std::vector<std::string> warnings;        // "Focus expression matched no samples"

  std::string format_value(std::int64_t v) const;
};

Result<TopReport> compute_top(const Profile& p, const TopOptions& opts);

// What every pprof report starts from: the sample type selected and the
// total (before any filter, against the base for a -diff_base profile),
// with values printed each in its own unit ("minimum") until a report
// picks one.
struct ReportBasis {
  std::size_t index = 0;
  bool mean = false;
  TopReport report;  // sample type and unit, output unit, total; no rows

  // A sample's value as the report shows it (divided by its first value
  // with mean).
  std::int64_t value_of(const Sample& s) const {
    const std::int64_t v = s.values[index];
    return mean && s.values[0] != 0 ? util::wrap_div(v, s.values[0]) : v;
  }
};
// With mean, the type is "mean_<type>" and the total is divided by the
// samples' first values.
Result<ReportBasis> report_basis(const Profile& p, const std::string& sample_index,
                                 const std::string& output_unit = "minimum", bool mean = false);

// The basis and the frames the options select, for the reports that walk
// sample by sample (traces, tags, exports).
struct Selection {
  ReportBasis basis;
  Frames frames;
};
Result<Selection> select_frames(const Profile& p, const TopOptions& opts);

// pprof's header lines: File, Build ID, comments, Type, Time, Duration.
std::vector<std::string> profile_header(const Profile& p, const TopReport& r);

// The lines above a report's table (pprof's reportLabels): the profile's
// header, active filters, what the shown nodes account for, drops.
std::vector<std::string> top_labels(const Profile& p, const TopReport& r);

// The whole text report, as `go tool pprof -top` prints it.
std::string render_top_text(const Profile& p, const TopReport& r);


}  // namespace ncprof::profile
