#pragma once
// ncprof bench: run Go benchmarks in a directory, keep baselines, and the
// CI gate on a comparison.
#include <optional>
#include <string>
#include <vector>

#include "ncprof/bench/benchstat.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::bench {

struct RunOptions {
  std::string bench = ".";
  std::string benchtime = "1s";
  int count = 6;
  bool benchmem = false;
  std::string go = "go";
};

struct RunResult {
  bool ok = false;
  std::vector<std::string> command;
  std::string output;  // go test's stdout: configuration and result lines
  std::string errors;  // its stderr
  int exit_code = 0;
};

// Runs `go test -run '^$' -bench RE -count N -benchtime T [-benchmem] ./...`
// in dir. An error only when go cannot be started.
Result<RunResult> run_benchmarks(const std::string& dir, const RunOptions& opts);

// dir/benchmarks/baseline-<date>.txt, or -2, -3... when taken.
std::string next_baseline_path(const std::string& dir, const std::string& date);

// The newest baseline in dir/benchmarks (by date, then suffix).
std::optional<std::string> newest_baseline(const std::string& dir);

struct GateHit {
  std::string benchmark;
  std::string unit;
  double delta_pct = 0;
  double p = 0;
};

// Benchmarks that got worse by more than pct with p <= alpha (assume=exact
// units need no test), in the unit's bad direction, and with the two
// medians' confidence intervals apart by more than min_ci (the new
// interval's near end over the base's far end: not only the point
// estimate past the threshold).
std::vector<GateHit> regressions(const std::vector<StatTable>& tables, double pct, double alpha, double min_ci = 1.0);

}  // namespace ncprof::bench
