#include "ncprof/bench/runner.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

#include "ncprof/util/process.hpp"

namespace ncprof::bench {

namespace fs = std::filesystem;

Result<RunResult> run_benchmarks(const std::string& dir, const RunOptions& opts) {
  RunResult r;
  r.command = {opts.go, "test", "-run", "^$", "-bench", opts.bench, "-count", std::to_string(opts.count), "-benchtime",
               opts.benchtime};
  if (opts.benchmem) r.command.push_back("-benchmem");
  r.command.push_back("./...");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fail(ErrorKind::bad_input, fmt::format("{}: benchmark directory does not exist", dir));
  }
  auto p = util::run_process(r.command, dir);
  if (!p) return tl::unexpected(p.error());
  r.output = std::move(p->out);
  r.errors = std::move(p->err);
  r.exit_code = p->exit_code;
  r.ok = p->exit_code == 0;
  return r;
}

std::string next_baseline_path(const std::string& dir, const std::string& date) {
  std::string base = fmt::format("{}/benchmarks/baseline-{}", dir, date);
  std::string path = base + ".txt";
  for (int n = 2; fs::exists(path); ++n) path = fmt::format("{}-{}.txt", base, n);
  return path;
}

std::optional<std::string> newest_baseline(const std::string& dir) {
  // baseline-YYYY-MM-DD.txt or baseline-YYYY-MM-DD-N.txt
  auto is_digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::optional<std::string> best;
  std::pair<std::string, int> best_key;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir + "/benchmarks", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("baseline-", 0) != 0 || !name.ends_with(".txt") || name.size() < 23) continue;
    const std::string date = name.substr(9, 10);
    const std::string rest = name.substr(19, name.size() - 19 - 4);  // "" or "-N"
    if (!is_digits(date.substr(0, 4)) || date[4] != '-' || !is_digits(date.substr(5, 2)) || date[7] != '-' ||
        !is_digits(date.substr(8, 2))) {
      continue;
    }
    if (!rest.empty() && (rest[0] != '-' || !is_digits(rest.substr(1)) || rest.size() > 6)) continue;
    std::pair<std::string, int> key{date, rest.empty() ? 1 : std::stoi(rest.substr(1))};
    if (!best || key > best_key) {
      best = e.path().string();
      best_key = key;
    }
  }
  return best;
}

std::vector<GateHit> regressions(const std::vector<StatTable>& tables, double pct, double alpha, double min_ci) {
  std::vector<GateHit> hits;
  for (const auto& t : tables) {
    const bool lower = lower_is_better(t.unit);
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      for (std::size_t c = 1; c < t.cols.size(); ++c) {
        const StatCell* cell = t.cell(r, c);
        if (!cell || !cell->has_baseline || cell->baseline_center == 0) continue;
        const double delta = (cell->summary.center / cell->baseline_center - 1) * 100;
        const bool significant = t.exact || cell->comparison.p <= alpha;
        const bool worse = lower ? delta > pct : delta < -pct;
        bool apart = true;
        if (!t.exact) {
          const StatCell* base = t.cell(r, 0);
          if (base) {
            // Intervals from benchstat's summaries; an infinite end (too
            // few samples) never clears the floor.
            const double near = lower ? cell->summary.lo : base->summary.lo;
            const double far = lower ? base->summary.hi : cell->summary.hi;
            apart = std::isfinite(near) && std::isfinite(far) && far > 0 && near / far > min_ci;
          }
        }
        if (significant && worse && apart) hits.push_back({t.rows[r], t.unit, delta, cell->comparison.p});
      }
    }
  }
  return hits;
}

}  // namespace ncprof::bench
