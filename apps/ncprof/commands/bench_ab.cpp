#include "commands/bench_ab.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "commands/commands.hpp"
#include "log.hpp"
#include "ncprof/bench/benchfmt.hpp"
#include "ncprof/bench/benchstat.hpp"
#include "ncprof/bench/texttab.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/process.hpp"
#include "ncprof/util/regex.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::app {

namespace fs = std::filesystem;

CpuTimes read_cpu_times() {
  CpuTimes t;
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  if (cpu != "cpu") return t;
  unsigned long long v = 0;
  for (int i = 0; i < 8 && in >> v; ++i) {
    t.total += v;
    if (i == 7) t.steal = v;
  }
  return t;
}

std::string machine_load(const CpuTimes& since) {
  std::string load = "?";
  if (std::ifstream in("/proc/loadavg"); in) {
    std::string a, b, c;
    if (in >> a >> b >> c) load = fmt::format("{} {} {}", a, b, c);
  }
  const CpuTimes now = read_cpu_times();
  std::string steal = "?";
  if (now.total > since.total) {
    steal = fmt::format("{:.1f}%", 100.0 * static_cast<double>(now.steal - since.steal) /
                                       static_cast<double>(now.total - since.total));
  }
  return fmt::format("machine: load average {} on {} CPUs, steal {} during the run", load,
                     std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)), steal);
}

namespace {

constexpr int kMinRounds = 10;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// A failure of a step the comparison cannot go on without (exit 3).
struct StepError {
  std::string message;
};

util::ProcessResult must_run(const std::vector<std::string>& argv, const std::string& cwd, const std::string& what) {
  auto r = util::run_process(argv, cwd);
  if (!r) throw StepError{fmt::format("{}: {}", what, r.error().message)};
  if (r->exit_code != 0) throw StepError{fmt::format("{} failed (exit {}):\n{}{}", what, r->exit_code, r->out, r->err)};
  return *r;
}

struct Package {
  std::string import_path, dir, bin;
  std::vector<std::string> benchmarks;  // "BenchmarkX"
};

struct Side {
  std::string label;  // "ref" or "head"
  std::string root;   // the benchmark directory on this side
  std::map<std::string, Package> packages;  // by import path
};

// Builds every package with tests into bin_dir and lists its benchmarks.
void prepare(Side& side, const std::string& bin_dir, const util::Regex& filter) {
  auto list = must_run({"go", "list", "-f", "{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}\t{{.Dir}}{{end}}", "./..."},
                       side.root, fmt::format("{}: go list in {}", side.label, side.root));
  std::istringstream lines(list.out);
  int n = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    Package p;
    p.import_path = line.substr(0, tab);
    p.dir = line.substr(tab + 1);
    p.bin = fmt::format("{}/{}-{}.test", bin_dir, side.label, n++);
    must_run({"go", "test", "-c", "-o", p.bin, p.import_path}, side.root,
             fmt::format("{}: go test -c {}", side.label, p.import_path));
    auto names = must_run({p.bin, "-test.list", "^Benchmark"}, p.dir, fmt::format("{}: {} -test.list", side.label, p.bin));
    std::istringstream ns(names.out);
    for (std::string name; std::getline(ns, name);) {
      name = trimmed(name);
      if (name.rfind("Benchmark", 0) == 0 && filter.search(name)) p.benchmarks.push_back(name);
    }
    side.packages.emplace(p.import_path, std::move(p));
  }
}

struct Pair {
  std::string import_path, name;
  const Package* ref = nullptr;
  const Package* head = nullptr;
};

// One unit of one (sub-)benchmark: the paired values of the rounds.
struct Series {
  std::size_t pair = 0;
  std::string package, fullname, unit;
  bool lower_is_better = true;
  std::vector<double> ref, head;

  bench::AbEstimate estimate(const bench::AbOptions& gate) const {
    return bench::evaluate_pairs(ref, head, lower_is_better, bench::is_exact_unit(unit), gate);
  }
};

// A step the comparison cannot go on without failed: said, kept in the
// JSON entry, exit 3.
int step_failed(const std::string& name, const StepError& e, nlohmann::json& entry) {
  fmt::print(stderr, "ncprof: error: {}: {}\n", name, e.message);
  entry["error"] = e.message;
  return kExitTargets;
}

class Runner {
 public:
  Runner(const AgainstOptions& opts, std::vector<Pair> pairs) : opts_(opts), pairs_(std::move(pairs)), rng_(std::random_device{}()) {}

  // Runs rounds over the pairs in `which` (warm-up first when asked), each
  // stopping when its verdict is settled. Samples go to `series`.
  void rounds(std::vector<std::size_t> which, bool warm_up, std::vector<Series>& series, int& rounds_run) {
    if (warm_up) {
      info("warm-up round (discarded)");
      keep_text_ = false;
      for (auto i : which) (void)run_pair(i);
      keep_text_ = true;
    }
    rounds_run = 0;
    for (int round = 1; round <= 2 * opts_.rounds && !which.empty(); ++round) {
      std::shuffle(which.begin(), which.end(), rng_);
      for (auto i : which) record(i, run_pair(i), series);
      rounds_run = round;
      info(fmt::format("round {}: {} benchmark(s)", round, which.size()));
      std::erase_if(which, [&](std::size_t i) { return settled(i, series, round); });
    }
  }

  const std::string& side_text(bool head) const { return head ? head_text_ : ref_text_; }
  const std::map<std::string, std::string>& better() const { return better_; }

 private:
  struct Outputs {
    std::string ref, head;
  };

  Outputs run_pair(std::size_t i) {
    const Pair& p = pairs_[i];
    Outputs o;
    const bool head_first = std::bernoulli_distribution(0.5)(rng_);
    for (int k = 0; k < 2; ++k) {
      const bool head = (k == 0) == head_first;
      (head ? o.head : o.ref) = run_one(head ? *p.head : *p.ref, p.name, head);
    }
    return o;
  }

  std::string run_one(const Package& pkg, const std::string& name, bool head) {
    std::vector<std::string> argv = {pkg.bin, "-test.run", "^$", "-test.bench", "^" + name + "$", "-test.benchtime",
                                     opts_.benchtime, "-test.count", "1"};
    if (opts_.benchmem) argv.push_back("-test.benchmem");
    if (!opts_.cpu.empty()) argv.insert(argv.end(), {"-test.cpu", opts_.cpu});
    auto r = must_run(argv, pkg.dir, fmt::format("{}: {} {}", head ? "head" : "ref", pkg.import_path, name));
    // Both sides' results as Go benchmark files (benchstat reads them).
    if (!keep_text_) return r.out;
    std::string& text = head ? head_text_ : ref_text_;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      if (line == "PASS" || line.rfind("ok ", 0) == 0) continue;
      text += line + '\n';
    }
    return r.out;
  }

  void record(std::size_t i, const Outputs& o, std::vector<Series>& series) {
    bench::BenchData ref, head;
    bench::parse_bench(o.ref, "ref", ref);
    bench::parse_bench(o.head, "head", head);
    for (const auto& [unit, meta] : head.unit_metadata) {
      if (auto it = meta.find("better"); it != meta.end()) better_[unit] = it->second;
    }
    for (const auto& hr : head.results) {
      auto rr = std::find_if(ref.results.begin(), ref.results.end(), [&](const auto& x) { return x.fullname == hr.fullname; });
      if (rr == ref.results.end()) continue;
      for (const auto& hv : hr.values) {
        auto rv = std::find_if(rr->values.begin(), rr->values.end(), [&](const auto& x) { return x.unit == hv.unit; });
        if (rv == rr->values.end()) continue;
        Series& s = find(series, i, hr.fullname, hv.unit);
        s.ref.push_back(rv->value);
        s.head.push_back(hv.value);
      }
    }
  }

  Series& find(std::vector<Series>& series, std::size_t pair, const std::string& fullname, const std::string& unit) {
    for (auto& s : series) {
      if (s.pair == pair && s.fullname == fullname && s.unit == unit) return s;
    }
    Series s;
    s.pair = pair;
    s.package = pairs_[pair].import_path;
    s.fullname = fullname;
    s.unit = unit;
    auto b = better_.find(unit);
    s.lower_is_better = b != better_.end() ? b->second != "higher" : bench::lower_is_better(unit);
    series.push_back(std::move(s));
    return series.back();
  }

  // Done: clearly fine after the minimum of rounds, settled after the
  // rounds asked for, or at twice that.
  bool settled(std::size_t pair, const std::vector<Series>& series, int round) const {
    if (round >= 2 * opts_.rounds) return true;
    bool all_fine = true, any_unclear = false;
    for (const auto& s : series) {
      if (s.pair != pair) continue;
      auto e = s.estimate(opts_.gate);
      all_fine = all_fine && (e.verdict == bench::AbVerdict::fine || e.verdict == bench::AbVerdict::improved);
      any_unclear = any_unclear || e.verdict == bench::AbVerdict::ok;
    }
    if (round >= kMinRounds && all_fine) return true;
    return round >= opts_.rounds && !any_unclear;
  }

  const AgainstOptions& opts_;
  std::vector<Pair> pairs_;
  std::mt19937_64 rng_;
  std::string ref_text_, head_text_;
  bool keep_text_ = true;  // not during the warm-up
  std::map<std::string, std::string> better_;
};

// Values in the unit's own scale: 1.234µs, 12.5KiB, 42.
std::string show_value(double v, const std::string& unit) {
  if (unit == "sec/op") {
    const double a = std::fabs(v);
    if (a >= 1) return fmt::format("{:.4g}s", v);
    if (a >= 1e-3) return fmt::format("{:.4g}ms", v * 1e3);
    if (a >= 1e-6) return fmt::format("{:.4g}µs", v * 1e6);
    return fmt::format("{:.4g}ns", v * 1e9);
  }
  if (unit == "B/op" || unit == "B/s") {
    const char* suffix = unit == "B/s" ? "/s" : "";
    if (std::fabs(v) >= 1 << 20) return fmt::format("{:.4g}MiB{}", v / (1 << 20), suffix);
    if (std::fabs(v) >= 1 << 10) return fmt::format("{:.4g}KiB{}", v / (1 << 10), suffix);
    return fmt::format("{:.4g}B{}", v, suffix);
  }
  return fmt::format("{:.4g}", v);
}

std::string show_ratio(double v) { return std::isinf(v) ? "∞" : fmt::format("{:.3f}", v); }

double finite_or(double v, double fallback) { return std::isfinite(v) ? v : fallback; }

}  // namespace

int run_against(const std::string& name, const std::string& dir, const AgainstOptions& opts, nlohmann::json& entry) {
  const CpuTimes start_times = read_cpu_times();
  std::error_code ec;
  const std::string abs_dir = fs::absolute(dir, ec).lexically_normal().string();
  auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", abs_dir});
    return util::run_process(args, abs_dir);
  };
  auto top = git({"rev-parse", "--show-toplevel"});
  if (!top || top->exit_code != 0) {
    return report_usage(fmt::format("{}: --against needs a git work tree ({} is not in one)", name, abs_dir));
  }
  auto commit = git({"rev-parse", "--verify", "--quiet", opts.ref + "^{commit}"});
  if (!commit || commit->exit_code != 0) {
    return report_usage(fmt::format("{}: '{}' is not a commit of the repository at {}", name, opts.ref, trimmed(top->out)));
  }
  const std::string sha = trimmed(commit->out);
  const std::string toplevel = trimmed(top->out);
  auto common = git({"rev-parse", "--git-common-dir"});
  fs::path common_dir = common && common->exit_code == 0 ? fs::path(trimmed(common->out)) : fs::path(toplevel) / ".git";
  if (common_dir.is_relative()) common_dir = fs::path(abs_dir) / common_dir;
  const fs::path worktree = (common_dir / "ncprof-worktrees" / sha).lexically_normal();
  // git prints the top level with symlinks resolved: compare like with like.
  const fs::path rel = fs::relative(fs::weakly_canonical(abs_dir, ec), fs::weakly_canonical(toplevel, ec), ec);

  const fs::path bin_dir = fs::temp_directory_path(ec) / fmt::format("ncprof-ab-{}", ::getpid());
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(p, e);
    }
  } cleanup{bin_dir};
  fs::create_directories(bin_dir, ec);

  auto filter = util::Regex::compile(opts.bench, "bench");
  if (!filter) return report_error(filter.error());

  Side ref{"ref", (worktree / rel).string(), {}};
  Side head{"head", abs_dir, {}};
  try {
    // The ref's tree, checked out once per commit and kept.
    if (!fs::exists(worktree / ".git")) {
      info(fmt::format("{}: checking out {} ({}) into {}", name, opts.ref, sha.substr(0, 12), worktree.string()));
      (void)util::run_process({"git", "-C", toplevel, "worktree", "prune"}, toplevel);
      fs::create_directories(worktree.parent_path(), ec);
      must_run({"git", "-C", toplevel, "worktree", "add", "--detach", "--force", worktree.string(), sha}, toplevel,
               fmt::format("git worktree add {}", opts.ref));
    }
    if (!fs::is_directory(ref.root)) throw StepError{fmt::format("{} has no directory {}", opts.ref, rel.string())};
    info(fmt::format("{}: building ref ({}) and head (the working tree)", name, sha.substr(0, 12)));
    prepare(ref, bin_dir.string(), *filter);
    prepare(head, bin_dir.string(), *filter);
  } catch (const StepError& e) {
    return step_failed(name, e, entry);
  }

  // Benchmarks on both sides are compared; the others are listed.
  std::vector<Pair> pairs;
  std::vector<std::string> only_ref, only_head;
  for (const auto& [path, hp] : head.packages) {
    auto rp = ref.packages.find(path);
    for (const auto& b : hp.benchmarks) {
      const bool on_both = rp != ref.packages.end() &&
                          std::find(rp->second.benchmarks.begin(), rp->second.benchmarks.end(), b) != rp->second.benchmarks.end();
      if (on_both) {
        pairs.push_back({path, b, &rp->second, &hp});
      } else {
        only_head.push_back(path + " " + b);
      }
    }
  }
  for (const auto& [path, rp] : ref.packages) {
    auto hp = head.packages.find(path);
    for (const auto& b : rp.benchmarks) {
      if (hp == head.packages.end() ||
          std::find(hp->second.benchmarks.begin(), hp->second.benchmarks.end(), b) == hp->second.benchmarks.end()) {
        only_ref.push_back(path + " " + b);
      }
    }
  }
  entry["ref"] = opts.ref;
  entry["commit"] = sha;
  entry["only_ref"] = only_ref;
  entry["only_head"] = only_head;
  if (pairs.empty()) {
    return report_usage(fmt::format("{}: no benchmark matching -bench {} exists on both sides", name, opts.bench));
  }

  Runner runner(opts, pairs);
  std::vector<Series> series;
  int rounds_run = 0;
  std::vector<std::size_t> all(pairs.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  try {
    runner.rounds(all, true, series, rounds_run);
  } catch (const StepError& e) {
    return step_failed(name, e, entry);
  }

  // Regressions are confirmed on fresh rounds of those benchmarks alone.
  std::vector<bench::AbEstimate> first(series.size());
  std::vector<std::size_t> suspects;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    first[k] = s.estimate(opts.gate);
    if (first[k].verdict == bench::AbVerdict::regressed &&
        std::find(suspects.begin(), suspects.end(), s.pair) == suspects.end()) {
      suspects.push_back(s.pair);
    }
  }
  std::vector<Series> fresh;
  int confirm_rounds = 0;
  if (!suspects.empty()) {
    info(fmt::format("{}: {} benchmark(s) look worse; confirming on fresh rounds", name, suspects.size()));
    try {
      runner.rounds(suspects, false, fresh, confirm_rounds);
    } catch (const StepError& e) {
      return step_failed(name, e, entry);
    }
  }

  // Both sides as Go benchmark files, beside the baselines.
  const std::string stamp = util::timestamp_for_file(std::chrono::system_clock::now());
  const std::string out_dir = fmt::format("{}/benchmarks/ab-{}-{}", dir, util::file_name_part(opts.ref), stamp);
  if (auto ok = util::make_dirs(out_dir); !ok) return report_error(ok.error());
  for (bool h : {false, true}) {
    if (auto ok = util::write_file_atomic(out_dir + (h ? "/head.txt" : "/ref.txt"), runner.side_text(h)); !ok) {
      return report_error(ok.error());
    }
  }
  entry["files"] = {out_dir + "/ref.txt", out_dir + "/head.txt"};

  bench::TextTable table;
  table.row();
  for (const char* h : {"benchmark", "unit", "ref", "head", "head/ref [95% CI]", "rounds", "verdict"}) table.cell(h);
  nlohmann::json results = nlohmann::json::array();
  std::vector<std::string> regressed;
  const bool several_packages = head.packages.size() > 1;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    bench::AbEstimate e = first[k];
    std::string verdict = bench::verdict_name(e.verdict);
    bool confirmed = false;
    if (e.verdict == bench::AbVerdict::regressed) {
      auto f = std::find_if(fresh.begin(), fresh.end(),
                            [&](const Series& x) { return x.pair == s.pair && x.fullname == s.fullname && x.unit == s.unit; });
      if (f != fresh.end()) {
        e = f->estimate(opts.gate);
        confirmed = e.verdict == bench::AbVerdict::regressed;
        verdict = confirmed ? "REGRESSED (confirmed)" : "ok (not confirmed)";
      }
    }
    const std::string label = several_packages ? s.package + " " + s.fullname : s.fullname;
    if (confirmed) regressed.push_back(fmt::format("{} {} {:+.1f}%", label, s.unit, (e.ratio - 1) * 100));
    table.row();
    table.cell(label).cell(s.unit).cell(show_value(e.ref, s.unit), {bench::Align::right});
    table.cell(show_value(e.head, s.unit), {bench::Align::right});
    table.cell(e.exact ? fmt::format("{} (exact)", show_ratio(e.ratio))
                       : fmt::format("{} [{}, {}]", show_ratio(e.ratio), show_ratio(e.ratio_lo), show_ratio(e.ratio_hi)));
    table.cell(std::to_string(e.rounds), {bench::Align::right}).cell(verdict);
    results.push_back({{"package", s.package},
                       {"benchmark", s.fullname},
                       {"unit", s.unit},
                       {"ref", e.ref},
                       {"head", e.head},
                       {"ratio", finite_or(e.ratio, 1e308)},
                       {"ci", {finite_or(e.ratio_lo, 0), finite_or(e.ratio_hi, 1e308)}},
                       {"rounds", e.rounds},
                       {"exact", e.exact},
                       {"verdict", e.verdict == bench::AbVerdict::regressed ? "regressed"
                                   : e.verdict == bench::AbVerdict::improved ? "improved"
                                                                              : "ok"},
                       {"confirmed", confirmed}});
  }
  entry["rounds"] = rounds_run;
  entry["confirm_rounds"] = confirm_rounds;
  entry["results"] = results;
  entry["regressions"] = regressed;

  if (opts.text) {
    fmt::print("{}: head (working tree) against {} ({}), {} benchmark(s), {} round(s) of -benchtime {}{}\n\n", name,
               opts.ref, sha.substr(0, 12), pairs.size(), rounds_run, opts.benchtime,
               confirm_rounds ? fmt::format(", {} confirmation round(s)", confirm_rounds) : "");
    fmt::print("{}\n", table.format());
    for (const auto& o : only_ref) fmt::print("only in {} (not compared): {}\n", opts.ref, o);
    for (const auto& o : only_head) fmt::print("only in the working tree (not compared): {}\n", o);
    // benchstat's view of the same runs.
    bench::BenchData both;
    bench::parse_bench(runner.side_text(false), "ref", both);
    bench::parse_bench(runner.side_text(true), "head", both);
    fmt::print("\nbenchstat {}/ref.txt {}/head.txt:\n{}", out_dir, out_dir,
               bench::render_text(bench::build_tables(both, {0.05, 0.95})));
    if (regressed.empty()) {
      fmt::print("\ngate: no benchmark got worse by more than {}% (median ratio, with the 95% CI above {})\n",
                 opts.gate.fail_on_pct, opts.gate.min_ci);
    } else {
      fmt::print("\ngate: {} confirmed regression(s) past {}%:\n", regressed.size(), opts.gate.fail_on_pct);
      for (const auto& r : regressed) fmt::print("  {}\n", r);
    }
  }
  if (!regressed.empty()) {
    const std::string load = machine_load(start_times);
    entry["machine"] = load;
    fmt::print(stderr, "ncprof: {}: {} regression(s) confirmed; {}\n", name, regressed.size(), load);
    return kExitFinding;
  }
  return kExitOk;
}

}  // namespace ncprof::app
