#pragma once
// The one-file HTML report: flame graph (plain or differential), top table,
// callers/callees, search; its JavaScript and CSS are source files of their
// own (render/web/), embedded at build time. The profile's data goes in as
// JSON that the page reads; nothing is fetched from anywhere.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ncprof/profile/profile.hpp"
#include "ncprof/profile/top.hpp"
#include "ncprof/render/flame.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::render {

// A point of a leak timeline (compare-heap, leak-check).
struct TimelinePoint {
  std::int64_t time_unix_ms = 0;
  double heap_mb = -1;     // < 0: not measured
  double goroutines = -1;  // < 0: not measured
  bool warmup = false;     // left out of the verdict
  int snapshot = -1;       // index into ReportInput::snapshots: this point's own profile
};

struct Timeline {
  std::string service;
  std::string verdict;  // "LEAK", "OK", ...
  std::string reason;
  std::vector<TimelinePoint> points;
  // Fitted trend, per hour, with its level at fit_from_ms (the first point
  // the verdict used; 0: the first point).
  std::int64_t fit_from_ms = 0;
  double heap_slope_mb_per_hour = 0, heap_intercept_mb = 0;
  double goroutine_slope_per_hour = 0, goroutine_intercept = 0;
};

// One timeline point's own profile, drawn when the point is clicked: a
// plain flame graph and tables, already in the page's form.
struct Snapshot {
  std::string label;
  nlohmann::json view;
};

struct ReportInput {
  std::string title;
  std::vector<std::string> files;       // the profiles shown
  std::vector<std::string> base_files;  // for a difference
  std::string diff_mode;                // "", "base" or "diff_base"
  // The profile drawn: for a difference, subtract_base(new, base, true),
  // whose base samples carry pprof::base=true.
  const profile::Profile* profile = nullptr;
  // For a difference: the table's profile (subtract_base with the user's
  // mode, so the numbers are top's), and the two sides for Base and New.
  const profile::Profile* table_profile = nullptr;
  const profile::Profile* current = nullptr;
  const profile::Profile* base = nullptr;
  FlameOptions flame;
  profile::TopOptions top;  // sample_index selects the type shown first
  std::vector<Timeline> timelines;
  std::vector<Snapshot> snapshots;
};

struct ReportStats {
  std::size_t nodes = 0;
  std::size_t bytes = 0;
};

// The complete page.
Result<std::string> render_report_html(const ReportInput& in, ReportStats* stats = nullptr);

// A profile's snapshot for a timeline point (a plain view, smaller trees:
// at most max_nodes frames).
Result<Snapshot> make_snapshot(const profile::Profile& p, std::string label, const profile::TopOptions& top,
                               std::size_t max_nodes = 20000);

}  // namespace ncprof::render
