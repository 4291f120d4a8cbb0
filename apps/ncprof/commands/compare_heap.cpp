// ncprof compare-heap SERVICE [PORT] --interval D: in-use heap after GC,
// now and after the interval; growth, where it grew, and a verdict.
#include <atomic>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/target_flags.hpp"
#include "ncprof/capture/capture.hpp"
#include "ncprof/profile/measure.hpp"
#include "ncprof/profile/merge.hpp"
#include "ncprof/profile/top.hpp"
#include "ncprof/util/strings.hpp"
#include "terminal.hpp"

namespace ncprof::app {

namespace {

struct CompareArgs {
  TargetFlags targets;
  std::string interval = "300s";
  std::string sample_index = "inuse_space";
  double warn = 20;
  double fail = 50;
  std::string out = "profiles";
  std::string timeout = "30s";
  std::string format = "text";
};

int run_compare_heap(const CompareArgs& args, const GlobalOptions& global) {
  auto interval = util::parse_duration(args.interval);
  if (!interval) return report_error(interval.error());
  if (args.fail < args.warn) return report_error(Error{ErrorKind::usage, "--fail must not be below --warn"});
  auto services = args.targets.resolve();
  if (!services) return report_error(services.error());
  if (services->size() != 1) {
    return report_error(Error{ErrorKind::usage, "compare-heap takes one service (SERVICE [PORT], host:port or URL)"});
  }
  auto base = args.targets.capture_options(args.timeout, global);
  if (!base) return report_error(base.error());
  capture::CaptureOptions opts = *base;
  opts.type = capture::ProfileType::heap;
  opts.gc = true;
  opts.out_dir = args.out + "/heap_comparison";

  auto take = [&](const char* tag) {
    opts.file_tag = tag;
    return std::move(capture::capture_all(*services, opts, true).front());
  };
  auto baseline = take("baseline");
  if (!baseline.ok) return report_error(Error{baseline.error_kind, baseline.error});
  auto t0 = std::chrono::steady_clock::now();
  fmt::print(stderr, "ncprof: baseline saved: {}\n", baseline.file);

  const auto& interrupted = catch_interrupts();
  auto until = t0 + *interval;
  while (!interrupted && std::chrono::steady_clock::now() < until) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(until - std::chrono::steady_clock::now()).count() + 1;
    status_line(fmt::format("compare-heap {}: next capture in {}", baseline.service,
                            util::format_duration(std::chrono::milliseconds(left * 1000))));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  status_line("");
  if (interrupted) {
    fmt::print(stderr, "ncprof: interrupted; the baseline is kept: {}\n", baseline.file);
    return kExitInterrupted;
  }
  auto current = take("current");
  if (!current.ok) return report_error(Error{current.error_kind, current.error});
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const profile::Profile& before = *baseline.profile;
  const profile::Profile& after = *current.profile;
  auto si = profile::find_sample_index(after, args.sample_index);
  if (!si) {
    return report_error(Error{ErrorKind::usage, fmt::format("sample index '{}' must be one of: {}", args.sample_index,
                                                            profile::sample_type_names(after))});
  }
  const std::string unit = after.sample_types[*si].unit;
  const std::int64_t b = profile::total_value(before, *si), a = profile::total_value(after, *si);
  const std::int64_t growth = a - b;
  const double pct = b != 0 ? static_cast<double>(growth) / static_cast<double>(b) * 100.0 : (growth > 0 ? 100.0 : 0.0);
  const double per_hour = elapsed > 0 ? static_cast<double>(growth) / elapsed * 3600.0 : 0;
  const char* verdict = pct >= args.fail ? "FAIL" : (pct >= args.warn ? "WARN" : "OK");

  auto diff = profile::subtract_base(after, before, false, current.file, baseline.file);
  if (!diff) return report_error(diff.error());
  profile::TopOptions top;
  top.sample_index = args.sample_index;
  top.node_count = 10;
  auto report = profile::compute_top(*diff, top);
  if (!report) return report_error(report.error());

  auto label = [&](std::int64_t v) { return profile::scaled_label(v, unit, "minimum"); };
  if (args.format == "json") {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : report->rows) rows.push_back({{"name", r.name}, {"flat", r.flat}, {"cum", r.cum}});
    nlohmann::json doc = {{"service", baseline.service},
                          {"sample_index", after.sample_types[*si].type},
                          {"unit", unit},
                          {"baseline", {{"file", baseline.file}, {"total", b}}},
                          {"current", {{"file", current.file}, {"total", a}}},
                          {"elapsed_seconds", elapsed},
                          {"growth", growth},
                          {"growth_pct", pct},
                          {"growth_per_hour", per_hour},
                          {"warn_pct", args.warn},
                          {"fail_pct", args.fail},
                          {"verdict", verdict},
                          {"top", rows}};
    fmt::print("{}\n", doc.dump(2));
  } else {
    fmt::print("compare-heap {}: {} after GC, {} apart\n", baseline.service, after.sample_types[*si].type,
               util::format_duration(std::chrono::milliseconds(static_cast<long long>(elapsed * 1000))));
    fmt::print("  baseline  {:>10}  {}\n", label(b), baseline.file);
    fmt::print("  current   {:>10}  {}\n", label(a), current.file);
    fmt::print("  growth    {:>10}  {:+.1f}%, {}/hour\n", (growth >= 0 ? "+" : "") + label(growth), pct,
               label(static_cast<std::int64_t>(per_hour)));
    fmt::print("\nWhere it grew (current - baseline):\n{}\n", profile::render_top_text(*diff, *report));
    fmt::print("verdict: {} (growth {:+.1f}%; warn at {:.0f}%, fail at {:.0f}%)\n", verdict, pct, args.warn, args.fail);
    fmt::print("open the diff: ncprof top --base {} {}\n", baseline.file, current.file);
    fmt::print("           or: go tool pprof -base {} {}\n", baseline.file, current.file);
  }
  return std::string(verdict) == "FAIL" ? kExitFinding : kExitOk;
}

}  // namespace

void add_compare_heap_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand("compare-heap", "Heap now and after an interval: growth, where, and a verdict");
  args->targets.add_to(*cmd);
  cmd->add_option("--interval", args->interval, "Time between the two captures")->capture_default_str();
  cmd->add_option("--sample-index", args->sample_index, "Value compared")->capture_default_str();
  cmd->add_option("--warn", args->warn, "WARN at this growth, percent")->capture_default_str();
  cmd->add_option("--fail", args->fail, "FAIL (exit 1) at this growth, percent")->capture_default_str();
  cmd->add_option("--out", args->out, "Files go to DIR/heap_comparison")->capture_default_str();
  cmd->add_option("--timeout", args->timeout, "Time allowed per request")->capture_default_str();
  cmd->add_option("--format", args->format, "text or json")->check(format_choice({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, &dispatch, &global] {
    dispatch.run = [args, &global] { return run_compare_heap(*args, global); };
  });
}

}  // namespace ncprof::app
