// ncprof bench [SERVICE...] [--all] [--dir DIR]: run Go benchmarks, keep
// baselines, compare with benchstat's statistics, and gate CI.
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/bench_json.hpp"
#include "commands/commands.hpp"
#include "commands/target_flags.hpp"
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
  std::string benchtime = "1s";
  int count = 6;
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

Result<std::vector<Target>> bench_targets(const BenchArgs& args) {
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
      if (args.targets.all) continue;
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
    std::string file = fs::absolute(fmt::format("profiles/bench_{}_{}_{}_{}.pprof", t.name, base, args.profile, stamp));
    std::vector<std::string> cmd = {"go", "test", "-run", "^$", "-bench", args.bench, "-count", "1", "-benchtime",
                                    args.benchtime, args.profile == "cpu" ? "-cpuprofile" : "-memprofile", file, pkg};
    auto r = util::run_process(cmd, t.dir);
    if (!r || r->exit_code != 0) {
      problems.push_back(fmt::format("{}: profiling {} failed: {}", t.dir, pkg, r ? r->err + r->out : r.error().message));
    } else if (fs::exists(file)) {
      written.push_back(file);
    }
  }
}

int run_bench(const BenchArgs& args) {
  auto targets = bench_targets(args);
  if (!targets) return report_error(targets.error());
  if (args.count < 1) return report_error(Error{ErrorKind::usage, "--count must be at least 1"});
  if (!args.profile.empty() && args.profile != "cpu" && args.profile != "mem") {
    return report_error(Error{ErrorKind::usage, "--profile is cpu or mem"});
  }
  bench::RunOptions ro{args.bench, args.benchtime, args.count, args.benchmem, "go"};
  bool any_failed = false, any_regression = false;
  nlohmann::json report = nlohmann::json::array();
  const auto now = std::chrono::system_clock::now();
  for (const auto& t : *targets) {
    nlohmann::json entry = {{"service", t.name}, {"dir", t.dir}};
    // Find the baseline before a new one is written.
    std::optional<std::string> base_file;
    if (args.compare) {
      base_file = args.compare_file.empty() ? bench::newest_baseline(t.dir) : std::optional(args.compare_file);
      if (!base_file) {
        return report_error(Error{ErrorKind::usage, fmt::format("{}: no baseline in {}/benchmarks (run ncprof bench "
                                                                "--baseline first, or give --compare FILE)",
                                                                t.name, t.dir)});
      }
    }
    fmt::print(stderr, "ncprof: {}: {}\n", t.name, fmt::join(std::vector<std::string>{"go", "test", "-run", "'^$'",
                                                                                       "-bench", ro.bench, "-count",
                                                                                       std::to_string(ro.count),
                                                                                       "-benchtime", ro.benchtime},
                                                               " "));
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
    if (base_file) {
      auto text = util::read_file(*base_file, 1ull << 30);
      if (!text) return report_error(text.error());
      bench::BenchData both;
      bench::parse_bench(*text, fs::path(*base_file).filename().string(), both);
      for (const auto& e : both.errors) fmt::print(stderr, "{}\n", e.text());
      bench::parse_bench(run->output, "current", both);
      tables = bench::build_tables(both, {args.alpha, 0.95});
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
      auto hits = bench::regressions(tables, *args.fail_on, args.alpha);
      nlohmann::json jh = nlohmann::json::array();
      for (const auto& h : hits) {
        jh.push_back({{"benchmark", h.benchmark}, {"unit", h.unit}, {"delta_pct", h.delta_pct}, {"p", h.p}});
      }
      entry["regressions"] = jh;
      if (!hits.empty()) {
        any_regression = true;
        if (args.format == "text") {
          fmt::print("\ngate: {} benchmark(s) got worse by more than {}% (p <= {}):\n", hits.size(), *args.fail_on,
                     args.alpha);
          for (const auto& h : hits) {
            fmt::print("  {} {}: {:+.2f}%{}\n", h.benchmark, h.unit, h.delta_pct,
                       h.p > 0 ? fmt::format(" (p={:.3f})", h.p) : "");
          }
        }
      } else if (args.format == "text") {
        fmt::print("\ngate: no benchmark got worse by more than {}%\n", *args.fail_on);
      }
    }
    if (!args.profile.empty()) {
      std::vector<std::string> written, problems;
      write_profiles(t, args, written, problems);
      entry["profiles"] = written;
      for (const auto& p : problems) fmt::print(stderr, "ncprof: error: {}\n", p);
      any_failed = any_failed || !problems.empty();
      if (args.format == "text") {
        for (const auto& w : written) fmt::print("{}: profile written: {}\n", t.name, w);
      }
    }
    report.push_back(std::move(entry));
  }
  if (args.format == "json") fmt::print("{}\n", nlohmann::json{{"services", report}}.dump(2));
  if (any_failed) return kExitTargets;
  return any_regression ? kExitFinding : kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions&) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Run Go benchmarks per service, keep baselines, compare, gate CI");
  args->targets.add_to(*cmd);
  cmd->add_option("--dir", args->dir, "Benchmark directory (instead of the config's bench:)");
  cmd->add_flag("--baseline", args->baseline, "Save the run as benchmarks/baseline-<YYYY-MM-DD>.txt");
  auto* compare = cmd->add_option("--compare", args->compare_file, "Compare with the newest baseline, or with FILE")
                      ->expected(0, 1);
  cmd->add_option("--bench", args->bench, "Benchmarks to run (go test -bench)")->capture_default_str();
  cmd->add_option("--benchtime", args->benchtime, "go test -benchtime")->capture_default_str();
  cmd->add_option("--count", args->count, "Runs of each benchmark (samples for the statistics)")->capture_default_str();
  cmd->add_flag("--benchmem", args->benchmem, "Report allocations (go test -benchmem)");
  cmd->add_option("--fail-on", args->fail_on, "Exit 1 when a benchmark got worse by more than PCT percent, significantly");
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
