// ncprof bench [SERVICE...] [--all] [--dir DIR]: run Go benchmarks, keep
// baselines, compare with benchstat's statistics, and gate CI.
#include <unistd.h>

#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/bench_ab.hpp"
#include "commands/bench_json.hpp"
#include "commands/commands.hpp"
#include "commands/target_flags.hpp"
#include "log.hpp"
#include "ncprof/bench/runner.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/process.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::app {

namespace {

namespace fs = std::filesystem;

struct BenchArgs {
  TargetFlags targets;
  std::string dir;
  bool baseline = false;
  std::string compare_file;
  bool compare = false;
  std::string bench = ".";
  std::string benchtime;  // empty: 1s, or 0.5s with --against
  int count = 6;
  std::string against;
  int rounds = 20;
  double min_ci = 1.05;
  double max_alloc_increase = 10;
  std::string cpu;
  bool benchmem = false;
  std::optional<double> fail_on;
  double alpha = 0.05;
  std::string profile;
  std::string format = "text";
};

struct Target {
  std::string name;
  std::string dir;
};

// go test -benchtime: a Go duration (1s, 500ms, 1m30s) or a count (100x).
bool valid_benchtime(const std::string& s) {
  if (s.size() > 1 && s.back() == 'x') {
    return std::all_of(s.begin(), s.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
  }
  std::size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    const std::size_t start = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == start) return false;
    bool unit = false;
    for (const char* u : {"ns", "us", "\u00b5s", "ms", "s", "m", "h"}) {
      const std::string_view uv(u);
      if (s.compare(i, uv.size(), uv) == 0) {  // "ms" is tried before "m" and "s"
        i += uv.size();
        unit = true;
        break;
      }
    }
    if (!unit) return false;
    any = true;
  }
  return any;
}

// With --all, services without a benchmark directory go to `skipped`.
Result<std::vector<Target>> bench_targets(const BenchArgs& args, std::vector<std::string>& skipped) {
  if (!args.dir.empty()) {
    std::string name = fs::absolute(args.dir).lexically_normal().filename().string();
    if (name.empty()) name = fs::absolute(args.dir).parent_path().filename().string();
    return std::vector<Target>{{name, args.dir}};
  }
  if (args.targets.targets.empty() && !args.targets.all) {
    // As in the guide: run in the service's own directory.
    return std::vector<Target>{{fs::current_path().filename().string(), "."}};
  }
  auto services = args.targets.resolve();
  if (!services) return tl::unexpected(services.error());
  std::vector<Target> out;
  for (const auto& s : *services) {
    if (s.bench_dir.empty()) {
      if (args.targets.all) {
        skipped.push_back(s.name);
        continue;
      }
      return fail(ErrorKind::usage,
                  fmt::format("service '{}' has no benchmark directory (set bench: in the config, or use --dir)", s.name));
    }
    out.push_back({s.name, s.bench_dir});
  }
  if (out.empty()) {
    return fail(ErrorKind::usage, "no configured service has a benchmark directory (bench: in the config), or use --dir");
  }
  return out;
}

// Per-package CPU or memory profiles: go test cannot write one profile
// for several packages.
void write_profiles(const Target& t, const BenchArgs& args, std::vector<std::string>& written,
                    std::vector<std::string>& problems) {
  auto list = util::run_process({"go", "list", "./..."}, t.dir);
  if (!list || list->exit_code != 0) {
    problems.push_back(fmt::format("{}: go list failed: {}", t.dir, list ? list->err : list.error().message));
    return;
  }
  const std::string stamp = util::timestamp_for_file(std::chrono::system_clock::now());
  auto made = util::make_dirs("profiles");
  if (!made) {
    problems.push_back(made.error().message);
    return;
  }
  std::size_t pos = 0;
  while (pos < list->out.size()) {
    std::size_t nl = list->out.find('\n', pos);
    if (nl == std::string::npos) nl = list->out.size();
    std::string pkg = list->out.substr(pos, nl - pos);
    pos = nl + 1;
    if (pkg.empty()) continue;
    std::string base = pkg.substr(pkg.rfind('/') == std::string::npos ? 0 : pkg.rfind('/') + 1);
    std::string file = fs::absolute(fmt::format("profiles/bench_{}_{}_{}_{}.pb.gz", util::file_name_part(t.name),
                                                util::file_name_part(base), args.profile, stamp));
    // go test keeps the test binary next to a profile it writes: build it
    // into a directory of our own instead of the package's, and remove it.
    std::error_code ec;
    const fs::path bin_dir = fs::temp_directory_path(ec) / fmt::format("ncprof-bench-{}-{}", ::getpid(), base);
    fs::create_directories(bin_dir, ec);
    std::vector<std::string> cmd = {"go", "test", "-run", "^$", "-bench", args.bench, "-count", "1", "-benchtime",
                                    args.benchtime, "-o", (bin_dir / (base + ".test")).string(),
                                    args.profile == "cpu" ? "-cpuprofile" : "-memprofile", file, pkg};
    auto r = util::run_process(cmd, t.dir);
    fs::remove_all(bin_dir, ec);
    if (!r || r->exit_code != 0) {
      problems.push_back(fmt::format("{}: profiling {} failed: {}", t.dir, pkg, r ? r->err + r->out : r.error().message));
    } else if (fs::exists(file)) {
      written.push_back(file);
    }
  }
}

// A saved baseline (its text, named by its file) and a run's output as
// benchstat's tables, the baseline first; the baseline's syntax errors go
// to stderr when asked.
std::vector<bench::StatTable> tables_against(const std::string& base_text, const std::string& base_file,
                                             const std::string& output, double alpha, bool show_errors) {
  bench::BenchData both;
  bench::parse_bench(base_text, fs::path(base_file).filename().string(), both);
  if (show_errors) {
    for (const auto& e : both.errors) fmt::print(stderr, "{}\n", e.text());
  }
  bench::parse_bench(output, "current", both);
  return bench::build_tables(both, {alpha, 0.95});
}

// Runs the benchmarks of `hits` again (only those) and compares the fresh
// run with the baseline: the hits that hold, and those that did not.
Result<std::pair<std::vector<bench::GateHit>, std::vector<bench::GateHit>>> confirm_hits(
    const Target& t, const std::string& base_text, const std::string& base_file,
    const std::vector<bench::GateHit>& hits, bench::RunOptions ro, const BenchArgs& args) {
  std::vector<std::string> names;
  for (const auto& h : hits) {
    // "Encode/format=json-8": the top-level benchmark runs its subs.
    std::string n = h.benchmark.substr(0, h.benchmark.find('/'));
    if (auto dash = n.rfind('-'); dash != std::string::npos && n.find('/') == std::string::npos &&
                                  n.find_first_not_of("0123456789", dash + 1) == std::string::npos) {
      n.resize(dash);
    }
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  ro.bench = fmt::format("^Benchmark({})$", fmt::join(names, "|"));
  info(fmt::format("{}: confirming {} on a fresh run: go test -bench '{}'", t.name, fmt::join(names, ", "), ro.bench));
  auto run = bench::run_benchmarks(t.dir, ro);
  if (!run) return tl::unexpected(run.error());
  if (!run->ok) {
    return fail(ErrorKind::network, fmt::format("{}: go test failed while confirming (exit {}): {}{}", t.name,
                                                run->exit_code, run->output, run->errors));
  }
  const auto again = bench::regressions(tables_against(base_text, base_file, run->output, args.alpha, false),
                                        *args.fail_on, args.alpha, args.min_ci);
  std::pair<std::vector<bench::GateHit>, std::vector<bench::GateHit>> out;
  for (const auto& h : hits) {
    auto it = std::find_if(again.begin(), again.end(),
                           [&](const bench::GateHit& a) { return a.benchmark == h.benchmark && a.unit == h.unit; });
    (it != again.end() ? out.first : out.second).push_back(it != again.end() ? *it : h);
  }
  return out;
}

int run_bench(BenchArgs args) {
  // `--compare crawler`: a service to run and compare, not a baseline file.
  // A path-like value is a file; a bare word is a configured service first.
  if (!args.compare_file.empty() && !targets::looks_like_path(args.compare_file)) {
    auto reg = targets::load_registry(args.targets.config, args.targets.host);
    if (!reg) return report_error(reg.error());
    std::error_code ec;
    if (reg->find(args.compare_file) || !fs::is_regular_file(args.compare_file, ec)) {
      args.targets.targets.push_back(args.compare_file);
      args.compare_file.clear();
    }
  }
  if (args.benchtime.empty()) args.benchtime = args.against.empty() ? "1s" : "0.5s";
  if (args.count < 1) return report_usage(fmt::format("--count must be 1 or more (got {})", args.count));
  if (!args.against.empty()) {
    if (args.baseline || args.compare || !args.profile.empty()) {
      return report_usage("--against measures both sides now: it goes without --baseline, --compare and --profile");
    }
    if (args.rounds < 10) return report_usage(fmt::format("--rounds must be 10 or more (got {})", args.rounds));
    if (!(args.min_ci >= 1)) return report_usage("--min-ci is a ratio of 1 or more (1.05: 5% slower)");
    if (!(args.max_alloc_increase >= 0)) return report_usage("--max-alloc-increase must be a percentage of 0 or more");
  }
  if (!valid_benchtime(args.benchtime)) {
    return report_usage(fmt::format("--benchtime '{}' is not a go test benchtime (e.g. 1s, 500ms, 100x)", args.benchtime));
  }
  if (!(args.alpha > 0 && args.alpha < 1)) return report_usage(fmt::format("--alpha must be between 0 and 1 (got {})", args.alpha));
  if (args.fail_on && !(*args.fail_on >= 0)) return report_usage("--fail-on must be a percentage of 0 or more");
  if (!args.compare_file.empty()) {
    // Read now: a missing or empty baseline is found before the benchmarks run, not after.
    auto text = util::read_file(args.compare_file, 1ull << 30);
    if (!text) return report_error(text.error());
    bench::BenchData probe;
    bench::parse_bench(*text, args.compare_file, probe);
    if (probe.results.empty()) return report_usage(fmt::format("{}: no benchmark results in the baseline", args.compare_file));
  }
  std::vector<std::string> skipped;
  auto targets = bench_targets(args, skipped);
  if (!targets) return report_error(targets.error());
  nlohmann::json skipped_json = nlohmann::json::array();
  for (const auto& name : skipped) {
    skipped_json.push_back({{"service", name}, {"skipped", "no benchmark directory (bench: in the config)"}});
    if (args.format == "text") fmt::print("{}: skipped (no benchmark directory: bench: in the config)\n", name);
  }
  if (!args.profile.empty() && args.profile != "cpu" && args.profile != "mem") {
    return report_error(Error{ErrorKind::usage, "--profile is cpu or mem"});
  }
  if (!args.against.empty()) {
    AgainstOptions ao;
    ao.ref = args.against;
    ao.bench = args.bench;
    ao.benchtime = args.benchtime;
    ao.cpu = args.cpu;
    ao.benchmem = args.benchmem;
    ao.rounds = args.rounds;
    ao.gate.fail_on_pct = args.fail_on.value_or(25);
    ao.gate.min_ci = args.min_ci;
    ao.gate.max_alloc_increase = args.max_alloc_increase;
    ao.text = args.format == "text";
    nlohmann::json report = skipped_json;
    int worst = kExitOk;
    for (const auto& t : *targets) {
      nlohmann::json entry = {{"service", t.name}, {"dir", t.dir}};
      const int rc = run_against(t.name, t.dir, ao, entry);
      if (rc == kExitUsage) return rc;
      if (rc == kExitTargets || (rc == kExitFinding && worst == kExitOk)) worst = rc;
      report.push_back(std::move(entry));
    }
    if (args.format == "json") fmt::print("{}\n", json_text(nlohmann::json{{"services", report}}));
    return worst;
  }
  // Every service's baseline is found before anything runs.
  std::vector<std::optional<std::string>> base_files(targets->size());
  if (args.compare) {
    for (std::size_t i = 0; i < targets->size(); ++i) {
      const auto& t = (*targets)[i];
      base_files[i] = args.compare_file.empty() ? bench::newest_baseline(t.dir) : std::optional(args.compare_file);
      if (!base_files[i]) {
        return report_usage(fmt::format("{}: no baseline in {}/benchmarks (run ncprof bench --baseline first, or give "
                                 "--compare FILE)",
                                 t.name, t.dir));
      }
    }
  }
  bench::RunOptions ro{args.bench, args.benchtime, args.count, args.benchmem, "go"};
  const CpuTimes start_times = read_cpu_times();
  bool any_failed = false, any_regression = false;
  nlohmann::json report = skipped_json;
  const auto now = std::chrono::system_clock::now();
  for (std::size_t ti = 0; ti < targets->size(); ++ti) {
    const auto& t = (*targets)[ti];
    nlohmann::json entry = {{"service", t.name}, {"dir", t.dir}};
    const std::optional<std::string>& base_file = base_files[ti];
    info(fmt::format("{}: go test -run '^$' -bench {} -count {} -benchtime {}", t.name, ro.bench, ro.count,
                     ro.benchtime));
    auto run = bench::run_benchmarks(t.dir, ro);
    if (!run) return report_error(run.error());
    if (!run->ok) {
      any_failed = true;
      fmt::print(stderr, "ncprof: error: {}: go test failed (exit {}) in {}:\n{}{}", t.name, run->exit_code, t.dir,
                 run->output, run->errors);
      entry["error"] = fmt::format("go test failed (exit {})", run->exit_code);
      entry["output"] = run->output + run->errors;
      report.push_back(std::move(entry));
      continue;
    }
    bench::BenchData current;
    bench::parse_bench(run->output, "current", current);
    if (current.results.empty()) {
      any_failed = true;
      fmt::print(stderr, "ncprof: error: {}: no benchmarks matched -bench {} in {}\n", t.name, ro.bench, t.dir);
      entry["error"] = "no benchmark results";
      report.push_back(std::move(entry));
      continue;
    }
    auto written = util::make_dirs(t.dir + "/benchmarks");
    if (written) written = util::write_file_atomic(t.dir + "/benchmarks/latest.txt", run->output);
    if (auto& ok = written; !ok) {
      return report_error(ok.error());
    }
    entry["output_file"] = t.dir + "/benchmarks/latest.txt";
    if (args.baseline) {
      std::string path = bench::next_baseline_path(t.dir, util::date_for_file(now));
      if (auto ok = util::write_file_atomic(path, run->output); !ok) return report_error(ok.error());
      entry["baseline"] = path;
      if (args.format == "text") fmt::print("{}: baseline saved: {}\n", t.name, path);
    }
    std::vector<bench::StatTable> tables;
    std::string base_text;
    if (base_file) {
      auto text = util::read_file(*base_file, 1ull << 30);
      if (!text) return report_error(text.error());
      base_text = std::move(*text);
      tables = tables_against(base_text, *base_file, run->output, args.alpha, true);
      entry["compared_with"] = *base_file;
    } else {
      tables = bench::build_tables(current, {args.alpha, 0.95});
    }
    entry["tables"] = tables_json(tables);
    if (args.format == "text") {
      fmt::print("{}{}", targets->size() > 1 ? fmt::format("== {} ({})\n", t.name, t.dir) : "",
                 bench::render_text(tables));
    }
    if (base_file && args.fail_on) {
      auto hits = bench::regressions(tables, *args.fail_on, args.alpha, args.min_ci);
      if (!hits.empty()) {
        // A saved baseline measured another moment of the machine: the
        // benchmarks that tripped run again, alone, and must trip again.
        auto fresh = confirm_hits(t, base_text, *base_file, hits, ro, args);
        if (!fresh) {
          any_failed = true;
          fmt::print(stderr, "ncprof: error: {}\n", fresh.error().message);
        } else {
          nlohmann::json ju = nlohmann::json::array();
          for (const auto& h : fresh->second) {
            ju.push_back({{"benchmark", h.benchmark}, {"unit", h.unit}, {"delta_pct", h.delta_pct}});
            if (args.format == "text") {
              fmt::print("gate: {} {} {:+.2f}% did not hold on a fresh run (noise, not counted)\n", h.benchmark, h.unit,
                         h.delta_pct);
            }
          }
          entry["unconfirmed"] = ju;
          hits = std::move(fresh->first);
        }
      }
      nlohmann::json jh = nlohmann::json::array();
      for (const auto& h : hits) {
        jh.push_back({{"benchmark", h.benchmark}, {"unit", h.unit}, {"delta_pct", h.delta_pct}, {"p", h.p}});
      }
      entry["regressions"] = jh;
      if (!hits.empty()) {
        any_regression = true;
        if (args.format == "text") {
          fmt::print("\ngate: {} benchmark(s) got worse by more than {}% (p <= {}, confirmed on a fresh run):\n",
                     hits.size(), *args.fail_on, args.alpha);
          for (const auto& h : hits) {
            fmt::print("  {} {}: {:+.2f}%{}\n", h.benchmark, h.unit, h.delta_pct,
                       h.p > 0 ? fmt::format(" (p={:.3f})", h.p) : "");
          }
        }
        const std::string load = machine_load(start_times);
        entry["machine"] = load;
        fmt::print(stderr, "ncprof: {}: {} regression(s) against {}; {}\n", t.name, hits.size(), *base_file, load);
      } else if (args.format == "text") {
        fmt::print("\ngate: no benchmark got worse by more than {}%\n", *args.fail_on);
      }
    }
    if (!args.profile.empty()) {
      std::vector<std::string> profiles, problems;
      write_profiles(t, args, profiles, problems);
      entry["profiles"] = profiles;
      for (const auto& p : problems) fmt::print(stderr, "ncprof: error: {}\n", p);
      any_failed = any_failed || !problems.empty();
      if (args.format == "text") {
        for (const auto& w : profiles) fmt::print("{}: profile written: {}\n", t.name, w);
      }
    }
    report.push_back(std::move(entry));
  }
  if (args.format == "json") fmt::print("{}\n", json_text(nlohmann::json{{"services", report}}));
  if (any_failed) return kExitTargets;
  return any_regression ? kExitFinding : kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions&) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Run Go benchmarks per service, keep baselines, compare, gate CI");
  cmd->footer(
      "Examples:\n  ncprof bench --against origin/main            # the CI gate: both sides measured now\n"
      "  ncprof bench --baseline\n  ncprof bench --compare --fail-on 10\n  ncprof bench --all --baseline");
  args->targets.add_to(*cmd);
  cmd->add_option("--dir", args->dir, "Benchmark directory (instead of the config's bench:)");
  cmd->add_flag("--baseline", args->baseline, "Save the run as benchmarks/baseline-<YYYY-MM-DD>.txt");
  auto* compare = cmd->add_option("--compare", args->compare_file, "Compare with the newest baseline, or with FILE")
                      ->expected(0, 1);
  cmd->add_option("--bench", args->bench, "Benchmarks to run (go test -bench)")->capture_default_str();
  cmd->add_option("--benchtime", args->benchtime, "go test -benchtime (default 1s; 0.5s with --against)");
  cmd->add_option("--against", args->against,
                  "Compare the working tree with git REF: both built and run now, interleaved, gated on paired ratios");
  cmd->add_option("--rounds", args->rounds, "--against: rounds of every benchmark pair (10 or more; up to twice when unclear)")
      ->capture_default_str();
  cmd->add_option("--min-ci", args->min_ci,
                  "A regression's 95% CI must start above this ratio (--compare: new interval over the base's)")
      ->capture_default_str();
  cmd->add_option("--max-alloc-increase", args->max_alloc_increase,
                  "--against: percent more allocs/op or B/op allowed when they do not vary")
      ->capture_default_str();
  cmd->add_option("--cpu", args->cpu, "--against: go test -cpu for both sides");
  cmd->add_option("--count", args->count, "Runs of each benchmark (samples for the statistics)")->capture_default_str();
  cmd->add_flag("--benchmem", args->benchmem, "Report allocations (go test -benchmem)");
  cmd->add_option("--fail-on", args->fail_on,
                  "Exit 1 when a benchmark got worse by more than PCT percent, significantly (--against: default 25)");
  cmd->add_option("--alpha", args->alpha, "Significance level for comparisons")->capture_default_str();
  cmd->add_option("--profile", args->profile, "Write per-package cpu or mem profiles into profiles/")
      ->check(CLI::IsMember({"cpu", "mem"}));
  cmd->add_option("--format", args->format, "text or json")->check(format_choice({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, compare, &dispatch] {
    args->compare = compare->count() > 0;
    dispatch.run = [args] { return run_bench(*args); };
  });
}

}  // namespace ncprof::app
