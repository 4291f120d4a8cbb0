// ncprof leak-check [TARGET...] [--all]: a trend over many samples of
// in-use heap (after GC) and goroutines, per service, with a verdict.
#include <atomic>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/pages.hpp"
#include "commands/target_flags.hpp"
#include "ncprof/leak/check.hpp"
#include "ncprof/profile/measure.hpp"
#include "ncprof/profile/merge.hpp"
#include "ncprof/render/report.hpp"
#include "ncprof/util/arith.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"
#include "terminal.hpp"

namespace ncprof::app {

namespace {

struct LeakArgs {
  TargetFlags targets;
  std::string interval = "10s";
  int count = 12;
  int warmup = 2;
  double alpha = 0.01;
  std::string min_heap_rate = "32M/h";
  std::string min_goroutine_rate = "60/h";
  double min_growth = 0;
  int min_samples = 5;
  std::string timeout = "30s";
  std::string log_dir = "leak_detection";
  std::string html;
  std::string format = "text";
};

// A page keeps the profiles of at most this many samples per service,
// evenly spread, and always the last.
constexpr std::size_t kMaxSnapshots = 60;

struct KeptSnapshot {
  std::size_t round = 0;
  render::Snapshot snapshot;
};

std::string bytes_label(double v) { return profile::scaled_label(util::go_float_to_int64(v), "bytes", "minimum"); }

std::string stack_summary(const leak::GoroutineGroup& g) {
  std::string out;
  for (std::size_t i = 0; i < g.frames.size() && i < 4; ++i) out += (i ? " < " : "") + g.frames[i];
  if (g.frames.size() > 4) out += " < ...";
  if (!g.created_by.empty()) out += " (created by " + g.created_by + ")";
  return out;
}

std::string signal_level(const leak::SignalVerdict& s, double v) {
  return s.unit == "bytes" ? bytes_label(v) : fmt::format("{:.0f}", v);
}

std::string render_log(const std::vector<leak::ServiceLeakReport>& reports, const leak::LeakCheckOptions& opts) {
  std::string log = fmt::format("# ncprof leak-check: interval {}, {} samples, {} warm-up\n",
                                util::format_duration(opts.interval), opts.count, opts.warmup);
  log += "# service\tsample\tt_seconds\tok\theap_inuse_bytes\tgoroutines\thealth_heap_alloc_mb\thealth_goroutines\terror\n";
  for (const auto& r : reports) {
    for (std::size_t i = 0; i < r.samples.size(); ++i) {
      const auto& s = r.samples[i];
      log += fmt::format("{}\t{}\t{:.1f}\t{}\t{}\t{}\t{}\t{}\t{}\n", r.service, i + 1, s.t, s.ok ? "ok" : "failed",
                         s.heap_inuse, s.goroutines, s.health ? fmt::format("{:.3f}", s.health->heap_alloc_mb) : "-",
                         s.health ? std::to_string(s.health->num_goroutine) : "-", s.error);
    }
  }
  for (const auto& r : reports) {
    log += fmt::format("# verdict {}: {} ({}); heap measured as {}\n", r.service, leak::verdict_name(r.verdict),
                       r.reason, r.heap_source);
    for (const auto& s : r.signals) {
      log += fmt::format("#   {}: {} rate={} growth={:.2f}% z={:.3f} n={} ({})\n", s.signal,
                         leak::verdict_name(s.trend.verdict), leak::format_rate(s.trend.slope, s.unit),
                         s.trend.growth_pct, s.trend.z, s.trend.n, s.trend.reason);
    }
    for (const auto& row : r.heap_growth) {
      log += fmt::format("#   heap grew in {}: +{}\n", row.name, bytes_label(static_cast<double>(row.flat)));
    }
    for (const auto& g : r.goroutine_growth) {
      log += fmt::format("#   goroutines grew {} -> {}: {}\n", g.base, g.now, stack_summary(g.group));
    }
  }
  return log;
}

constexpr double kMiB = 1024.0 * 1024.0;

// A service's page: where the heap grew (the first heap profile after
// warm-up against the last, as a differential flame graph), and the
// timeline of every sample with the fitted trends and the verdict; each
// point whose profile was kept links to its own flame graph.
Result<void> write_leak_page(const leak::ServiceLeakReport& r, std::vector<KeptSnapshot> kept,
                             const leak::LeakCheckOptions& opts, std::chrono::system_clock::time_point wall0,
                             const std::string& path) {
  const auto at_ms = [wall0](double t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(wall0.time_since_epoch()).count() +
           static_cast<std::int64_t>(t * 1000);
  };
  render::Timeline tl;
  tl.service = r.service;
  tl.verdict = leak::verdict_name(r.verdict);
  tl.reason = r.reason;
  bool fit_from_set = false;
  for (std::size_t i = 0, k = 0; i < r.samples.size(); ++i) {
    const auto& s = r.samples[i];
    render::TimelinePoint pt;
    pt.time_unix_ms = at_ms(s.t);
    pt.warmup = i < opts.warmup;
    if (s.ok) {
      pt.heap_mb = r.heap_from_health && s.health ? s.health->heap_alloc_mb : static_cast<double>(s.heap_inuse) / kMiB;
      pt.goroutines = static_cast<double>(s.goroutines);
      if (!pt.warmup && !fit_from_set) {
        tl.fit_from_ms = pt.time_unix_ms;
        fit_from_set = true;
      }
    }
    while (k < kept.size() && kept[k].round < i) ++k;
    if (k < kept.size() && kept[k].round == i) pt.snapshot = static_cast<int>(k);
    tl.points.push_back(pt);
  }
  if (const auto* h = r.signal("heap")) {
    tl.heap_slope_mb_per_hour = h->trend.slope * 3600 / kMiB;
    tl.heap_intercept_mb = h->trend.intercept / kMiB;
  }
  if (const auto* g = r.signal("goroutines")) {
    tl.goroutine_slope_per_hour = g->trend.slope * 3600;
    tl.goroutine_intercept = g->trend.intercept;
  }

  render::ReportInput in;
  in.title = fmt::format("leak-check {}: {}", r.service, tl.verdict);
  in.top.sample_index = "inuse_space";
  const auto sample_name = [&r](std::size_t round) { return fmt::format("{} sample {}", r.service, round + 1); };
  std::optional<profile::Profile> drawn, table;
  if (r.first_heap && r.last_heap) {
    auto d = profile::subtract_base(*r.last_heap, *r.first_heap, true, r.service, r.service);
    if (!d) return tl::unexpected(d.error());
    auto t = profile::subtract_base(*r.last_heap, *r.first_heap, false, r.service, r.service);
    if (!t) return tl::unexpected(t.error());
    drawn = std::move(*d);
    table = std::move(*t);
    in.profile = &*drawn;
    in.table_profile = &*table;
    in.current = &*r.last_heap;
    in.base = &*r.first_heap;
    in.diff_mode = "base";
    in.files = {sample_name(r.last_heap_round)};
    in.base_files = {sample_name(r.first_heap_round)};
  } else if (r.first_heap || r.last_heap) {
    in.profile = r.first_heap ? &*r.first_heap : &*r.last_heap;
    in.files = {sample_name(r.first_heap ? r.first_heap_round : r.last_heap_round)};
  } else {
    return fail(ErrorKind::internal, fmt::format("{}: no heap profile to draw", r.service));
  }
  in.timelines.push_back(std::move(tl));
  for (auto& k : kept) in.snapshots.push_back(std::move(k.snapshot));
  auto page = render::render_report_html(in);
  if (!page) return tl::unexpected(page.error());
  return util::write_file_atomic(path, *page);
}

int run_leak_check_cmd(const LeakArgs& args, const GlobalOptions& global) {
  leak::LeakCheckOptions opts;
  auto interval = util::parse_duration(args.interval);
  if (!interval) return report_error(interval.error());
  if (interval->count() <= 0) return report_error(Error{ErrorKind::usage, "--interval must be positive"});
  opts.interval = *interval;
  if (args.count < 2) return report_usage(fmt::format("--count must be at least 2 (got {})", args.count));
  if (args.warmup < 0) return report_usage(fmt::format("--warmup must be 0 or more (got {})", args.warmup));
  if (args.min_samples < 3) return report_usage(fmt::format("--min-samples must be at least 3 (got {})", args.min_samples));
  if (args.count - args.warmup < args.min_samples) {
    return report_usage(fmt::format("--count {} with --warmup {} leaves {} samples for the verdict, fewer than --min-samples {}",
                             args.count, args.warmup, args.count - args.warmup, args.min_samples));
  }
  if (!(args.alpha > 0 && args.alpha < 0.5)) {
    return report_usage(fmt::format("--alpha must be between 0 and 0.5, e.g. 0.01 (got {})", args.alpha));
  }
  if (!(args.min_growth >= 0 && args.min_growth <= 1e6)) {
    return report_usage(fmt::format("--min-growth must be a percentage of 0 or more (got {})", args.min_growth));
  }
  opts.count = static_cast<std::size_t>(args.count);
  opts.warmup = static_cast<std::size_t>(args.warmup);
  auto heap_rate = util::parse_rate(args.min_heap_rate, true);
  if (!heap_rate) return report_error(heap_rate.error());
  auto gor_rate = util::parse_rate(args.min_goroutine_rate, false);
  if (!gor_rate) return report_error(gor_rate.error());
  const auto min_samples = static_cast<std::size_t>(args.min_samples);
  opts.heap_rule = {args.alpha, *heap_rate, args.min_growth, min_samples, "bytes"};
  opts.goroutine_rule = {args.alpha, *gor_rate, args.min_growth, min_samples, "goroutines"};
  auto capture = args.targets.capture_options(args.timeout, global);
  if (!capture) return report_error(capture.error());
  opts.capture = *capture;
  auto services = args.targets.resolve();
  if (!services) return report_error(services.error());
  if (auto ok = util::prepare_output_dir(args.log_dir, "--log-dir"); !ok) return report_error(ok.error());
  if (auto ok = check_page_option(args.html); !ok) return report_error(ok.error());

  // Each sample's heap profile, as a page snapshot (at most kMaxSnapshots
  // per service: every stride-th round and the last).
  const auto wall0 = std::chrono::system_clock::now();
  std::vector<std::vector<KeptSnapshot>> kept(services->size());
  const std::size_t stride = (opts.count + kMaxSnapshots - 2) / (kMaxSnapshots - 1);
  opts.on_heap = [&](std::size_t i, std::size_t round, const profile::Profile& heap) {
    if (round % stride != 0 && round + 1 != opts.count) return;
    profile::TopOptions top;
    top.sample_index = "inuse_space";
    const double t = std::chrono::duration<double>(std::chrono::system_clock::now() - wall0).count();
    auto snap = render::make_snapshot(
        heap, fmt::format("{} sample {} (t={:.0f}s{})", (*services)[i].name, round + 1, t, round < opts.warmup ? ", warm-up" : ""),
        top);
    if (snap) kept[i].push_back(KeptSnapshot{round, std::move(*snap)});
  };

  const auto& interrupted = catch_interrupts();
  std::function<void(const leak::LeakProgress&)> progress;
  if (stderr_is_terminal()) {
    progress = [](const leak::LeakProgress& p) {
      status_line(fmt::format("leak-check: sample {}/{} in {}s", p.round + 1, p.count, (p.next_in.count() + 999) / 1000));
    };
  }
  auto reports = leak::run_leak_check(*services, opts, progress, &interrupted);
  status_line("");

  const std::string log_path =
      fmt::format("{}/leak_check_{}.log", args.log_dir, util::timestamp_for_file(std::chrono::system_clock::now()));
  if (auto ok = util::write_file_atomic(log_path, render_log(reports, opts)); !ok) return report_error(ok.error());
  // The pages: a page that cannot be written is an error, the verdicts stand.
  std::vector<std::string> pages(reports.size());
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (!reports[i].first_heap && !reports[i].last_heap) continue;  // never profiled: nothing to draw
    const std::string path = page_path(args.html, reports[i].service, reports.size(),
                                       fmt::format("{}_{}.html", log_path.substr(0, log_path.size() - 4),
                                                   util::file_name_part(reports[i].service)));
    if (auto ok = write_leak_page(reports[i], std::move(kept[i]), opts, wall0, path); !ok) {
      report_error(ok.error());
    } else {
      pages[i] = path;
    }
  }

  bool any_leak = false, any_unreachable = false;
  for (const auto& r : reports) {
    any_leak = any_leak || r.verdict == leak::Verdict::leak;
    any_unreachable = any_unreachable || r.unreachable;
  }
  if (args.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const auto& r = reports[i];
      nlohmann::json sigs = nlohmann::json::array();
      for (const auto& s : r.signals) {
        sigs.push_back({{"signal", s.signal},
                        {"unit", s.unit},
                        {"verdict", leak::verdict_name(s.trend.verdict)},
                        {"slope_per_second", s.trend.slope},
                        {"slope_per_hour", s.trend.slope * 3600},
                        {"later_half_slope_per_second", s.trend.late_slope},
                        {"growth_pct", s.trend.growth_pct},
                        {"z", s.trend.z},
                        {"samples", s.trend.n},
                        {"reason", s.trend.reason}});
      }
      nlohmann::json samples = nlohmann::json::array();
      for (const auto& s : r.samples) {
        nlohmann::json js = {{"t", s.t}, {"ok", s.ok}, {"heap_inuse", s.heap_inuse}, {"goroutines", s.goroutines}};
        if (!s.ok) js["error"] = s.error;
        if (s.health) js["health"] = {{"heap_alloc_mb", s.health->heap_alloc_mb}, {"num_goroutine", s.health->num_goroutine}};
        samples.push_back(std::move(js));
      }
      nlohmann::json heap = nlohmann::json::array();
      for (const auto& row : r.heap_growth) heap.push_back({{"function", row.name}, {"growth", row.flat}});
      nlohmann::json gor = nlohmann::json::array();
      for (const auto& g : r.goroutine_growth) {
        gor.push_back({{"frames", g.group.frames}, {"base", g.base}, {"now", g.now}, {"growth", g.growth()}});
      }
      nlohmann::json entry = {{"service", r.service},
                      {"verdict", leak::verdict_name(r.verdict)},
                      {"reason", r.reason},
                      {"unreachable", r.unreachable},
                      {"heap_source", r.heap_source},
                      {"signals", sigs},
                      {"heap_growth", heap},
                      {"goroutine_growth", gor},
                      {"samples", samples}};
      if (!pages[i].empty()) entry["html"] = pages[i];
      list.push_back(std::move(entry));
    }
    fmt::print("{}\n", json_text(nlohmann::json{{"log", log_path}, {"services", list}}));
  } else {
    for (const auto& r : reports) {
      fmt::print("{}: {}\n", r.service, leak::verdict_name(r.verdict));
      if (r.unreachable) fmt::print("  {}\n", r.reason);
      if (!r.heap_source.empty()) fmt::print("  heap measured as: {}\n", r.heap_source);
      for (const auto& s : r.signals) {
        if (s.trend.n == 0) {
          fmt::print("  {:<10} {:<12} {}\n", s.signal, leak::verdict_name(s.trend.verdict), s.trend.reason);
          continue;
        }
        fmt::print("  {:<10} {:<12} {} -> {}, {}, {:+.1f}% over the window, z={:.2f}, {} samples\n", s.signal,
                   leak::verdict_name(s.trend.verdict), signal_level(s, s.trend.first), signal_level(s, s.trend.last),
                   leak::format_rate(s.trend.slope, s.unit), s.trend.growth_pct, s.trend.z, s.trend.n);
        fmt::print("  {:<10} {:<12} {}\n", "", "", s.trend.reason);
      }
      if (!r.heap_growth.empty()) {
        fmt::print("  in-use memory grew most in:\n");
        for (const auto& row : r.heap_growth) fmt::print("    {:>10}  {}\n", "+" + bytes_label(static_cast<double>(row.flat)), row.name);
      }
      if (!r.goroutine_growth.empty()) {
        fmt::print("  goroutine stacks that grew:\n");
        for (const auto& g : r.goroutine_growth) {
          fmt::print("    {:>4} -> {:<4} {}\n", g.base, g.now, stack_summary(g.group));
        }
      }
    }
    for (std::size_t i = 0; i < reports.size(); ++i) {
      if (!pages[i].empty()) fmt::print("page: {}\n", pages[i]);
    }
    fmt::print("log: {}\n", log_path);
  }
  for (const auto& r : reports) {
    if (r.unreachable) report_target_error(r.service, "could not be checked: " + r.reason);
  }
  if (interrupted) return kExitInterrupted;
  if (any_leak) return kExitFinding;
  return any_unreachable ? kExitTargets : kExitOk;
}

}  // namespace

void add_leak_check_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<LeakArgs>();
  auto* cmd = app.add_subcommand("leak-check", "Sample heap and goroutines over time and give a leak verdict per service");
  cmd->footer("Examples:\n  ncprof leak-check crawler 6060\n  ncprof leak-check --all --interval 2s --count 15");
  args->targets.add_to(*cmd);
  cmd->add_option("--interval", args->interval, "Time between samples")->capture_default_str();
  cmd->add_option("--count", args->count, "Samples in all")->capture_default_str();
  cmd->add_option("--warmup", args->warmup, "First samples left out of the verdict")->capture_default_str();
  cmd->add_option("--alpha", args->alpha, "Significance of the Mann-Kendall trend test (one-sided)")
      ->capture_default_str();
  cmd->add_option("--min-heap-rate", args->min_heap_rate,
                  "Heap growth floor (Theil-Sen slope): SIZE/h, SIZE/min or SIZE/s, e.g. 32M/h")
      ->capture_default_str();
  cmd->add_option("--min-goroutine-rate", args->min_goroutine_rate,
                  "Goroutine growth floor: N/h, N/min or N/s, e.g. 60/h")
      ->capture_default_str();
  cmd->add_option("--min-growth", args->min_growth,
                  "Optional floor on growth over the window, percent of the level (0: off)")
      ->capture_default_str();
  cmd->add_option("--min-samples", args->min_samples, "Fewer samples after warm-up: INCONCLUSIVE")
      ->capture_default_str();
  cmd->add_option("--timeout", args->timeout, "Time allowed per request")->capture_default_str();
  cmd->add_option("--log-dir", args->log_dir, "Where leak_check_<ts>.log goes")->capture_default_str();
  cmd->add_option("--html", args->html,
                  "The page (timeline, trend, where the heap grew): FILE; with several targets FILE_SERVICE.html "
                  "(default: beside the log, leak_check_<ts>_SERVICE.html)");
  cmd->add_option("--format", args->format, "text or json")->check(format_choice({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, &dispatch, &global] {
    dispatch.run = [args, &global] { return run_leak_check_cmd(*args, global); };
  });
}

}  // namespace ncprof::app
