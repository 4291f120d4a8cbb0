// ncprof alerts [--for 10m] [--window 1h] [...] [-o FILE]: a Prometheus
// rule file with alerts on the series `ncprof watch` exports, for the
// guide's cases: goroutines growing, the heap growing, a target down,
// captures failing.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "commands/commands.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::app {

namespace {

struct AlertsArgs {
  std::string for_ = "10m";
  std::string window = "1h";
  std::string horizon = "4h";
  double goroutine_rate = 0.005;
  std::string heap_limit;
  double capture_errors = 0.5;
  std::string out;
};

// A Prometheus duration: the largest whole unit.
std::string prom_duration(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms % 3600000 == 0) return fmt::format("{}h", ms / 3600000);
  if (ms % 60000 == 0) return fmt::format("{}m", ms / 60000);
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

struct Rule {
  std::string name, expr, severity, summary;
};

std::string render(const std::vector<Rule>& rules, const std::string& for_, const std::string& command) {
  std::string out = fmt::format(
      "# Alerts on the series `ncprof watch --listen` exports, made by:\n#   {}\n"
      "# Load it from prometheus.yml (rule_files: [ncprof-alerts.yml]); check it with promtool check rules.\n"
      "groups:\n  - name: ncprof\n    rules:\n",
      command);
  for (const auto& r : rules) {
    out += fmt::format(
        "      - alert: {}\n        expr: {}\n        for: {}\n        labels:\n          severity: {}\n"
        "        annotations:\n          summary: '{}'\n",
        r.name, r.expr, for_, r.severity, r.summary);
  }
  return out;
}

int run_alerts(const AlertsArgs& args) {
  std::string durations[3];
  const std::pair<const char*, const std::string*> inputs[3] = {
      {"--for", &args.for_}, {"--window", &args.window}, {"--horizon", &args.horizon}};
  for (int i = 0; i < 3; ++i) {
    auto d = util::parse_duration(*inputs[i].second);
    if (!d || d->count() <= 0) {
      return report_usage(fmt::format("{} '{}' is not a duration (10m, 1h, 90s)", inputs[i].first, *inputs[i].second));
    }
    durations[i] = prom_duration(*d);
  }
  const auto horizon_s = util::parse_duration(args.horizon)->count() / 1000;
  if (!(args.goroutine_rate > 0)) return report_usage("--goroutine-rate must be more than 0 (goroutines per second)");
  if (!(args.capture_errors > 0 && args.capture_errors <= 1)) {
    return report_usage("--capture-errors is a share of captures, more than 0 and at most 1");
  }
  const std::string& for_ = durations[0];
  const std::string& window = durations[1];

  std::vector<Rule> rules;
  rules.push_back({"NcprofGoroutineLeak", "max by (service) (ncprof_leak_suspected{signal=\"goroutines\"}) == 1",
                   "critical", "{{ $labels.service }}: goroutines are leaking (ncprof leak trend)"});
  // Rates fitted over the window need the window's worth of history: a
  // series a few scrapes old (a restart, a new target) extrapolates its
  // noise. `and X offset WINDOW` holds only where a sample that old exists.
  rules.push_back({"NcprofGoroutinesGrowing",
                   fmt::format("deriv(ncprof_goroutines[{0}]) > {1} and ncprof_goroutines offset {0}", window,
                               args.goroutine_rate),
                   "warning", "{{ $labels.service }}: goroutine count growing"});
  rules.push_back({"NcprofHeapLeak", "max by (service) (ncprof_leak_suspected{signal=\"heap\"}) == 1", "critical",
                   "{{ $labels.service }}: heap in use is leaking (ncprof leak trend)"});
  if (args.heap_limit.empty()) {
    // At this rate the heap grows by its own size within the horizon.
    rules.push_back({"NcprofHeapGrowing",
                     fmt::format("predict_linear(ncprof_heap_inuse_bytes[{0}], {1}) > 2 * ncprof_heap_inuse_bytes and "
                                 "ncprof_heap_inuse_bytes offset {0}",
                                 window, horizon_s),
                     "warning", fmt::format("{{{{ $labels.service }}}}: heap in use doubles within {} at this rate", durations[2])});
  } else {
    auto limit = util::parse_size(args.heap_limit);
    if (!limit) return report_usage(fmt::format("--heap-limit '{}' is not a size (512MiB, 2G)", args.heap_limit));
    rules.push_back({"NcprofHeapGrowing",
                     fmt::format("predict_linear(ncprof_heap_inuse_bytes[{0}], {1}) > {2} and ncprof_heap_inuse_bytes "
                                 "offset {0}",
                                 window, horizon_s, *limit),
                     "warning",
                     fmt::format("{{{{ $labels.service }}}}: heap in use passes {} within {} at this rate", args.heap_limit,
                                 durations[2])});
  }
  rules.push_back({"NcprofTargetDown", "ncprof_target_up == 0", "warning",
                   "{{ $labels.service }}: ncprof cannot capture profiles"});
  // result="error": the captures that failed, of every capture.
  rules.push_back({"NcprofCapturesFailing",
                   fmt::format("sum by (service, type) (rate(ncprof_captures_total{{result=\"error\"}}[{}])) / sum by "
                               "(service, type) (rate(ncprof_captures_total[{}])) > {}",
                               window, window, args.capture_errors),
                   "warning", "{{ $labels.service }}: {{ $labels.type }} captures failing"});

  std::string command = fmt::format("ncprof alerts --for {} --window {} --horizon {} --goroutine-rate {}{}", for_, window,
                                    durations[2], args.goroutine_rate,
                                    args.heap_limit.empty() ? "" : " --heap-limit " + args.heap_limit);
  const std::string text = render(rules, for_, command);
  return print_or_write(text, args.out);
}

}  // namespace

void add_alerts_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions&) {
  auto args = std::make_shared<AlertsArgs>();
  auto* cmd = app.add_subcommand("alerts", "Print Prometheus alert rules for the series ncprof watch exports");
  cmd->footer("Examples:\n  ncprof alerts > /etc/prometheus/ncprof-alerts.yml\n"
              "  ncprof alerts --for 30m --heap-limit 2GiB -o ncprof-alerts.yml");
  cmd->add_option("--for", args->for_, "How long a condition must hold before its alert fires")->capture_default_str();
  cmd->add_option("--window", args->window, "Range the growth rates are fitted over")->capture_default_str();
  cmd->add_option("--horizon", args->horizon, "How far ahead the heap is predicted (predict_linear)")
      ->capture_default_str();
  cmd->add_option("--goroutine-rate", args->goroutine_rate, "Goroutines per second of growth that alert")
      ->capture_default_str();
  cmd->add_option("--heap-limit", args->heap_limit,
                  "Alert when the heap is predicted past this size (default: when it would double)");
  cmd->add_option("--capture-errors", args->capture_errors, "Share of failing captures that alerts")
      ->capture_default_str();
  cmd->add_option("-o,--output", args->out, "Write the rules here (default: stdout)");
  cmd->callback([args, &dispatch] { dispatch.run = [args] { return run_alerts(*args); }; });
}

}  // namespace ncprof::app
