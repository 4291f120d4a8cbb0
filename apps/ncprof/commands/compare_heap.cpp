// ncprof compare-heap [TARGET...] [--all] --interval D: in-use heap after
// GC of every target, now and after one shared wait; growth, where it grew,
// and a verdict per service. Or two existing files: the guide's manual
// before/after-load steps.
#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/analysis.hpp"
#include "commands/commands.hpp"
#include "commands/pages.hpp"
#include "commands/target_flags.hpp"
#include "ncprof/capture/capture.hpp"
#include "ncprof/profile/measure.hpp"
#include "ncprof/profile/merge.hpp"
#include "ncprof/render/report.hpp"
#include "ncprof/profile/top.hpp"
#include "ncprof/util/arith.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"
#include "log.hpp"
#include "terminal.hpp"

namespace ncprof::app {

namespace {

struct CompareArgs {
  TargetFlags targets;
  std::string baseline_file, current_file;
  std::string interval = "300s";
  std::string sample_index = "inuse_space";
  double warn = 20;
  double fail = 50;
  std::string warn_rate = "64M/h";
  std::string fail_rate = "512M/h";
  std::string min_growth = "1M";
  std::string out = "profiles";
  std::string timeout = "30s";
  std::string format = "text";
  std::string html;  // the page: this file (one target) or FILE's stem + _SERVICE.html
};

// The thresholds, checked before anything is captured.
struct Limits {
  double warn_pct = 20, fail_pct = 50;
  double warn_per_hour = 0, fail_per_hour = 0;  // units per hour
  std::int64_t min_growth = 0;                  // below: noise, no rate verdict
};

// What a heap profile always carries: net/http/pprof's four sample types.
constexpr const char* kHeapIndexes[] = {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"};

Result<void> check_sample_index(const std::string& si) {
  for (const char* name : kHeapIndexes) {
    if (si == name) return {};
  }
  if (si.size() == 1 && si[0] >= '0' && si[0] <= '3') return {};
  return fail(ErrorKind::usage,
              fmt::format("--sample-index '{}' must be one of alloc_objects, alloc_space, inuse_objects, inuse_space "
                          "(or 0-3)",
                          si));
}

struct Comparison {
  std::string service;
  std::string baseline_file, current_file;
  bool ok = false;
  std::string error;
  std::string sample_type, unit;
  std::int64_t before = 0, after = 0, growth = 0;
  double pct = 0, elapsed = 0, per_hour = 0;
  std::string verdict;
  std::string why;
  std::optional<profile::Profile> diff;
  std::optional<profile::TopReport> top;
  std::string html;  // the page written, if any
};

// The page of a comparison: where the heap grew (a differential flame
// graph of current against baseline) and the two points with the verdict.
Result<void> write_comparison_html(Comparison& c, const profile::Profile& before, const profile::Profile& after,
                                   const std::string& path) {
  auto drawn = profile::subtract_base(after, before, true, c.current_file, c.baseline_file);
  if (!drawn) return tl::unexpected(drawn.error());
  render::ReportInput in;
  in.title = fmt::format("compare-heap {}: {}", c.service, c.verdict);
  in.files = {c.current_file};
  in.base_files = {c.baseline_file};
  in.diff_mode = "base";
  in.profile = &*drawn;
  in.table_profile = &*c.diff;
  in.current = &after;
  in.base = &before;
  in.top.sample_index = c.sample_type;
  render::Timeline t;
  t.service = c.service;
  t.verdict = c.verdict;
  t.reason = c.why;
  const double scale = c.unit == "bytes" ? 1.0 / (1024.0 * 1024.0) : 1.0;
  const std::int64_t t0 = before.time_nanos / 1000000;
  const std::int64_t t1 = after.time_nanos > before.time_nanos ? after.time_nanos / 1000000
                                                                : t0 + static_cast<std::int64_t>(c.elapsed * 1000);
  t.points = {{t0, static_cast<double>(c.before) * scale, -1, false, 0},
              {t1, static_cast<double>(c.after) * scale, -1, false, 1}};
  // Each point's own profile, drawn when it is clicked.
  for (const auto& [p, what, file] : {std::tuple{&before, "baseline", &c.baseline_file}, {&after, "current", &c.current_file}}) {
    auto snap = render::make_snapshot(*p, fmt::format("{} {}: {}", c.service, what, *file), in.top);
    if (!snap) return tl::unexpected(snap.error());
    in.snapshots.push_back(std::move(*snap));
  }
  t.heap_intercept_mb = static_cast<double>(c.before) * scale;
  t.heap_slope_mb_per_hour = c.per_hour * scale;
  in.timelines.push_back(std::move(t));
  auto page = render::render_report_html(in);
  if (!page) return tl::unexpected(page.error());
  if (auto ok = util::write_file_atomic(path, *page); !ok) return ok;
  c.html = path;
  return {};
}

// A comparison's page by default: beside the captured profiles.
std::string default_page(const std::string& dir, const std::string& service) {
  return fmt::format("{}/{}_heap_comparison_{}.html", dir, util::file_name_part(service),
                     util::timestamp_for_file(std::chrono::system_clock::now()));
}

// The verdict: the percentage as before, and the rate per hour, so a slow
// share of a large heap is still seen; growth under the noise floor (one or
// two sampled allocations) gives no rate verdict.
void judge(Comparison& c, const Limits& lim) {
  const bool rated = c.growth >= lim.min_growth && c.elapsed > 0;
  auto over = [&](double pct_limit, double rate_limit) {
    if (c.pct >= pct_limit) return fmt::format("growth {:+.1f}% >= {:.0f}%", c.pct, pct_limit);
    if (rated && c.per_hour >= rate_limit) {
      return fmt::format("growth {}/hour >= {}/hour", profile::scaled_label(util::go_float_to_int64(c.per_hour), c.unit, "minimum"),
                         profile::scaled_label(util::go_float_to_int64(rate_limit), c.unit, "minimum"));
    }
    return std::string();
  };
  if (auto why = over(lim.fail_pct, lim.fail_per_hour); !why.empty()) {
    c.verdict = "FAIL";
    c.why = why;
  } else if (auto w = over(lim.warn_pct, lim.warn_per_hour); !w.empty()) {
    c.verdict = "WARN";
    c.why = w;
  } else {
    c.verdict = "OK";
    c.why = fmt::format("growth {:+.1f}% and {}/hour are under the warning limits", c.pct,
                        profile::scaled_label(util::go_float_to_int64(c.per_hour), c.unit, "minimum"));
  }
}

Result<void> compare(Comparison& c, const profile::Profile& before, const profile::Profile& after,
                     const std::string& sample_index, const Limits& lim) {
  auto si = profile::find_sample_index(after, sample_index);
  if (!si || !profile::find_sample_index(before, sample_index)) {
    return fail(ErrorKind::bad_input, fmt::format("{}: sample index '{}' must be one of: {}", c.current_file,
                                                  sample_index, profile::sample_type_names(after)));
  }
  c.sample_type = after.sample_types[*si].type;
  c.unit = after.sample_types[*si].unit;
  c.before = profile::total_value(before, *si);
  c.after = profile::total_value(after, *si);
  c.growth = c.after - c.before;
  c.pct = c.before != 0 ? static_cast<double>(c.growth) / static_cast<double>(c.before) * 100.0
                        : (c.growth > 0 ? 100.0 : 0.0);
  c.per_hour = c.elapsed > 0 ? static_cast<double>(c.growth) / c.elapsed * 3600.0 : 0;
  judge(c, lim);
  auto diff = profile::subtract_base(after, before, false, c.current_file, c.baseline_file);
  if (!diff) return tl::unexpected(diff.error());
  profile::TopOptions top;
  top.sample_index = sample_index;
  top.node_count = 10;
  auto report = profile::compute_top(*diff, top);
  if (!report) return tl::unexpected(report.error());
  c.diff = std::move(*diff);
  c.top = std::move(*report);
  c.ok = true;
  return {};
}

nlohmann::json comparison_json(const Comparison& c, const Limits& lim) {
  if (!c.ok) {
    nlohmann::json j = {{"service", c.service}, {"ok", false}, {"error", c.error}};
    if (!c.baseline_file.empty()) j["baseline"] = {{"file", c.baseline_file}};
    return j;
  }
  nlohmann::json j = {{"service", c.service},
          {"ok", true},
          {"sample_index", c.sample_type},
          {"unit", c.unit},
          {"baseline", {{"file", c.baseline_file}, {"total", c.before}}},
          {"current", {{"file", c.current_file}, {"total", c.after}}},
          {"elapsed_seconds", c.elapsed},
          {"growth", c.growth},
          {"growth_pct", c.pct},
          {"growth_per_hour", c.per_hour},
          {"warn_pct", lim.warn_pct},
          {"fail_pct", lim.fail_pct},
          {"warn_per_hour", lim.warn_per_hour},
          {"fail_per_hour", lim.fail_per_hour},
          {"verdict", c.verdict},
          {"reason", c.why},
          {"top", top_rows_json(*c.top)}};
  if (!c.html.empty()) j["html"] = c.html;
  return j;
}

void print_comparison(const Comparison& c) {
  if (!c.ok) {
    fmt::print("compare-heap {}: FAILED: {}\n", c.service, c.error);
    return;
  }
  auto label = [&](std::int64_t v) { return profile::scaled_label(v, c.unit, "minimum"); };
  fmt::print("compare-heap {}: {} after GC, {} apart\n", c.service, c.sample_type,
             util::format_duration(std::chrono::milliseconds(static_cast<long long>(c.elapsed * 1000))));
  fmt::print("  baseline  {:>10}  {}\n", label(c.before), c.baseline_file);
  fmt::print("  current   {:>10}  {}\n", label(c.after), c.current_file);
  fmt::print("  growth    {:>10}  {:+.1f}%, {}/hour\n", (c.growth >= 0 ? "+" : "") + label(c.growth), c.pct,
             label(util::go_float_to_int64(c.per_hour)));
  fmt::print("\nWhere it grew (current - baseline):\n{}\n", profile::render_top_text(*c.diff, *c.top));
  fmt::print("verdict: {} ({})\n", c.verdict, c.why);
  fmt::print("open the diff: ncprof top --base {} {}\n", c.baseline_file, c.current_file);
  fmt::print("           or: go tool pprof -base {} {}\n", c.baseline_file, c.current_file);
}

Result<Limits> limits_from(const CompareArgs& args) {
  Limits lim;
  if (!(args.warn >= 0) || !(args.fail >= 0)) return fail(ErrorKind::usage, "--warn and --fail must be 0 or more percent");
  if (args.fail < args.warn) return fail(ErrorKind::usage, "--fail must not be below --warn");
  lim.warn_pct = args.warn;
  lim.fail_pct = args.fail;
  auto warn_rate = util::parse_rate(args.warn_rate, true);
  if (!warn_rate) return tl::unexpected(warn_rate.error());
  auto fail_rate = util::parse_rate(args.fail_rate, true);
  if (!fail_rate) return tl::unexpected(fail_rate.error());
  if (*fail_rate < *warn_rate) return fail(ErrorKind::usage, "--fail-rate must not be below --warn-rate");
  lim.warn_per_hour = *warn_rate * 3600;
  lim.fail_per_hour = *fail_rate * 3600;
  auto min_growth = util::parse_size(args.min_growth);
  if (!min_growth) return tl::unexpected(min_growth.error());
  lim.min_growth = static_cast<std::int64_t>(*min_growth);
  if (auto ok = check_sample_index(args.sample_index); !ok) return tl::unexpected(ok.error());
  return lim;
}

// The guide's manual steps: a snapshot before load, one after.
int compare_files(const CompareArgs& args, const Limits& lim, const GlobalOptions& global) {
  auto decode = decode_options(global);
  if (!decode) return report_error(decode.error());
  auto before = profile::read_profile(args.baseline_file, *decode);
  if (!before) return report_error(before.error());
  auto after = profile::read_profile(args.current_file, *decode);
  if (!after) return report_error(after.error());
  Comparison c;
  c.service = args.current_file;
  c.baseline_file = args.baseline_file;
  c.current_file = args.current_file;
  if (before->time_nanos > 0 && after->time_nanos > before->time_nanos) {
    c.elapsed = static_cast<double>(after->time_nanos - before->time_nanos) / 1e9;
  }
  if (auto ok = compare(c, *before, *after, args.sample_index, lim); !ok) return report_error(ok.error());
  if (!args.html.empty()) {
    if (auto ok = check_page_option(args.html); !ok) return report_error(ok.error());
    if (auto ok = write_comparison_html(c, *before, *after, args.html); !ok) return report_error(ok.error());
    info(fmt::format("wrote {}", c.html));
  }
  if (args.format == "json") {
    fmt::print("{}\n", json_text(comparison_json(c, lim)));
  } else {
    print_comparison(c);
  }
  return c.verdict == "FAIL" ? kExitFinding : kExitOk;
}

int run_compare_heap(CompareArgs args, const GlobalOptions& global) {
  auto interval = util::parse_duration(args.interval);
  if (!interval) return report_error(interval.error());
  if (interval->count() <= 0) return report_error(Error{ErrorKind::usage, "--interval must be positive"});
  auto lim = limits_from(args);
  if (!lim) return report_error(lim.error());
  // Two existing profiles, named by option or as the two positional
  // arguments (paths, not service names).
  if (args.baseline_file.empty() && args.current_file.empty() && args.targets.targets.size() == 2 &&
      !args.targets.all && targets::looks_like_path(args.targets.targets[0]) &&
      targets::looks_like_path(args.targets.targets[1])) {
    args.baseline_file = args.targets.targets[0];
    args.current_file = args.targets.targets[1];
    args.targets.targets.clear();
  }
  if (!args.baseline_file.empty() || !args.current_file.empty()) {
    if (args.baseline_file.empty() || args.current_file.empty() || !args.targets.targets.empty() || args.targets.all) {
      return report_error(Error{ErrorKind::usage,
                                "compare files with --baseline-file A --current-file B (both, and no targets)"});
    }
    return compare_files(args, *lim, global);
  }

  auto services = args.targets.resolve();
  if (!services) return report_error(services.error());
  auto base = args.targets.capture_options(args.timeout, global);
  if (!base) return report_error(base.error());
  capture::CaptureOptions opts = *base;
  opts.type = capture::ProfileType::heap;
  opts.gc = true;
  opts.out_dir = args.out + "/heap_comparison";
  if (auto ok = util::prepare_output_dir(opts.out_dir, "--out"); !ok) return report_error(ok.error());
  if (auto ok = check_page_option(args.html); !ok) return report_error(ok.error());

  // Ctrl-C stops a capture under way as well as the wait.
  const auto& interrupted = catch_interrupts();
  opts.stop = &interrupted;
  auto take = [&](const std::vector<targets::Service>& which, const char* tag) {
    opts.file_tag = tag;
    return capture::capture_all(which, opts, true);
  };
  auto baselines = take(*services, "baseline");
  if (interrupted) {
    // A signal as the captures end: the baselines already written stay.
    const bool kept = std::any_of(baselines.begin(), baselines.end(), [](const auto& b) { return b.ok; });
    fmt::print(stderr, "ncprof: interrupted{}\n", kept ? "; the baseline is kept" : "");
    return kExitInterrupted;
  }
  std::size_t waiting = 0;
  for (const auto& b : baselines) {
    if (b.ok) {
      ++waiting;
      info(fmt::format("{}: baseline saved: {}", b.service, b.file));
    } else {
      report_target_error(b.service, b.error);
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto until = t0 + *interval;
  while (waiting > 0 && !interrupted && std::chrono::steady_clock::now() < until) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(until - std::chrono::steady_clock::now()).count() + 1;
    status_line(fmt::format("compare-heap: {} service(s), next capture in {}", waiting,
                            util::format_duration(std::chrono::milliseconds(left * 1000))));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  status_line("");
  if (interrupted) {
    fmt::print(stderr, "ncprof: interrupted; the baseline is kept\n");
    return kExitInterrupted;
  }
  // Only the services whose baseline was taken are captured again.
  std::vector<targets::Service> again;
  for (std::size_t i = 0; i < services->size(); ++i) {
    if (baselines[i].ok) again.push_back((*services)[i]);
  }
  std::vector<capture::CaptureResult> currents;
  if (!again.empty()) currents = take(again, "current");
  if (interrupted) {
    fmt::print(stderr, "ncprof: interrupted; the baseline is kept\n");
    return kExitInterrupted;
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::vector<Comparison> results;
  bool any_fail = false, any_error = false;
  for (std::size_t i = 0, k = 0; i < services->size(); ++i) {
    Comparison c;
    c.service = baselines[i].service;
    c.elapsed = elapsed;
    c.baseline_file = baselines[i].file;
    if (!baselines[i].ok) {
      c.error = baselines[i].error;
    } else if (auto& cur = currents[k++]; !cur.ok) {
      c.error = cur.error;
      report_target_error(cur.service, cur.error);
    } else {
      c.current_file = cur.file;
      if (auto ok = compare(c, *baselines[i].profile, *cur.profile, args.sample_index, *lim); !ok) {
        c.error = ok.error().message;
        report_target_error(c.service, c.error);
      } else if (auto page = write_comparison_html(c, *baselines[i].profile, *cur.profile,
                                                   page_path(args.html, c.service, services->size(),
                                                             default_page(opts.out_dir, c.service)));
                 !page) {
        report_error(page.error());  // the verdict stands; the page is lost
      } else {
        info(fmt::format("wrote {}", c.html));
      }
    }
    any_error = any_error || !c.ok;
    any_fail = any_fail || c.verdict == "FAIL";
    results.push_back(std::move(c));
  }
  if (args.format == "json") {
    if (results.size() == 1) {
      fmt::print("{}\n", json_text(comparison_json(results[0], *lim)));
    } else {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& c : results) list.push_back(comparison_json(c, *lim));
      fmt::print("{}\n", json_text(nlohmann::json{{"services", list}}));
    }
  } else {
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (i) fmt::print("\n");
      print_comparison(results[i]);
    }
  }
  if (any_fail) return kExitFinding;
  return any_error ? kExitTargets : kExitOk;
}

}  // namespace

void add_compare_heap_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand("compare-heap", "Heap now and after an interval: growth, where, and a verdict");
  cmd->footer(
      "Examples:\n"
      "  ncprof compare-heap crawler 6060 --interval 1800\n"
      "  ncprof compare-heap --all --interval 10m\n"
      "  ncprof compare-heap before.pb.gz after.pb.gz");
  args->targets.add_to(*cmd);
  cmd->add_option("--baseline-file", args->baseline_file, "Compare two saved heap profiles: the earlier one");
  cmd->add_option("--current-file", args->current_file, "Compare two saved heap profiles: the later one");
  cmd->add_option("--interval", args->interval, "Time between the two captures")->capture_default_str();
  cmd->add_option("--sample-index", args->sample_index, "Value compared")->capture_default_str();
  cmd->add_option("--warn", args->warn, "WARN at this growth, percent")->capture_default_str();
  cmd->add_option("--fail", args->fail, "FAIL (exit 1) at this growth, percent")->capture_default_str();
  cmd->add_option("--warn-rate", args->warn_rate, "WARN at this growth per hour (SIZE/h)")->capture_default_str();
  cmd->add_option("--fail-rate", args->fail_rate, "FAIL (exit 1) at this growth per hour (SIZE/h)")
      ->capture_default_str();
  cmd->add_option("--min-growth", args->min_growth, "Growth under this is noise: no verdict by rate")
      ->capture_default_str();
  cmd->add_option("--out", args->out, "Files go to DIR/heap_comparison")->capture_default_str();
  cmd->add_option("--timeout", args->timeout, "Time allowed per request")->capture_default_str();
  cmd->add_option("--html", args->html,
                  "Write the page (where the heap grew, the two points and the verdict) here (default: beside the "
                  "profiles; with two files, only when given)");
  cmd->add_option("--format", args->format, "text or json")->check(format_choice({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, &dispatch, &global] {
    dispatch.run = [args, &global] { return run_compare_heap(*args, global); };
  });
}

}  // namespace ncprof::app
