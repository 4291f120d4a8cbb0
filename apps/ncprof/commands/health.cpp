// ncprof health [TARGET...] [--all] [--watch D]: /health/memory of every
// service side by side.
#include <atomic>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/target_flags.hpp"
#include "ncprof/capture/health.hpp"
#include "ncprof/util/strings.hpp"
#include "terminal.hpp"

namespace ncprof::app {

namespace {

struct HealthArgs {
  TargetFlags targets;
  std::string watch;
  std::string timeout = "10s";
  std::string format = "text";
};

using Status = capture::HealthReading::Status;

const char* status_text(Status s) {
  switch (s) {
    case Status::ok:
      return "ok";
    case Status::no_endpoint:
      return "no health endpoint";
    case Status::unreachable:
      return "unreachable";
    case Status::invalid:
      return "not a health document";
  }
  return "unreachable";
}

using Field = capture::HealthField;

nlohmann::json figures_json(const capture::HealthFigures& f) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < capture::kHealthFields; ++i) {
    const auto field = static_cast<Field>(i);
    auto v = f.get(field);
    out[capture::health_field_name(field)] = v ? nlohmann::json(*v) : nlohmann::json();
  }
  return out;
}

std::string num(std::optional<double> v, const char* fmtspec) {
  if (!v) return "-";
  return fmt::format(fmt::runtime(fmtspec), *v);
}

nlohmann::json rows_json(const std::vector<capture::HealthReading>& rows) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json j = {{"service", r.service}, {"status", status_text(r.status)}};
    if (!r.url.empty()) j["url"] = r.url;
    if (r.probed) j["probed"] = true;
    if (!r.error.empty()) j["error"] = util::printable(r.error);
    if (r.status == Status::ok) {
      j["memory"] = figures_json(r.figures);
      if (!r.figures.timestamp.empty()) j["timestamp"] = util::printable(r.figures.timestamp);
    }
    list.push_back(std::move(j));
  }
  return list;
}

void print_rows(const std::vector<capture::HealthReading>& rows) {
  std::size_t width = 7;
  for (const auto& r : rows) width = std::max(width, r.service.size());
  fmt::print("{:<{}}  {:>10} {:>10} {:>10} {:>8} {:>7} {:>10} {:>10} {:>13}\n", "SERVICE", width, "HEAP ALLOC",
             "HEAP INUSE", "HEAP IDLE", "STACK", "GC", "GOROUTINES", "GOMAXPROCS", "LAST GC PAUSE");
  for (const auto& r : rows) {
    if (r.status != Status::ok) {
      fmt::print("{:<{}}  {}{}\n", r.service, width, status_text(r.status),
                 r.error.empty() ? "" : ": " + util::printable(r.error));
      continue;
    }
    const auto& f = r.figures;
    fmt::print("{:<{}}  {:>10} {:>10} {:>10} {:>8} {:>7} {:>10} {:>10} {:>13}{}\n", r.service, width,
               num(f.get(Field::heap_alloc_mb), "{:.1f} MB"), num(f.get(Field::heap_inuse_mb), "{:.1f} MB"),
               num(f.get(Field::heap_idle_mb), "{:.1f} MB"), num(f.get(Field::stack_inuse_mb), "{:.1f} MB"),
               num(f.get(Field::num_gc), "{:.0f}"), num(f.get(Field::num_goroutine), "{:.0f}"),
               num(f.get(Field::gomaxprocs), "{:.0f}"), num(f.get(Field::last_gc_pause_ms), "{:.3f} ms"),
               r.probed ? "  (from " + r.url + ")" : "");
  }
}

int run_health(const HealthArgs& args) {
  auto services = args.targets.resolve();
  if (!services) return report_error(services.error());
  auto timeout = util::parse_duration(args.timeout);
  if (!timeout) return report_error(timeout.error());
  std::optional<std::chrono::milliseconds> watch;
  static const std::atomic<bool> never{false};
  const std::atomic<bool>* interrupted = &never;
  if (!args.watch.empty()) {
    auto w = util::parse_duration(args.watch);
    if (!w) return report_error(w.error());
    if (w->count() <= 0) return report_error(Error{ErrorKind::usage, "--watch needs a positive interval"});
    watch = *w;
    interrupted = &catch_interrupts();
  }
  int code = kExitOk;
  for (bool first = true; first || (watch && !*interrupted); first = false) {
    auto rows = capture::read_health(*services, args.targets.tls(), *timeout, 1);
    code = kExitOk;
    for (const auto& r : rows) {
      if (r.status == Status::unreachable || r.status == Status::invalid) {
        code = kExitTargets;
        report_target_error(r.service, r.error);
      }
    }
    const std::string when = util::timestamp_for_humans(std::chrono::system_clock::now());
    if (args.format == "json") {
      nlohmann::json doc = {{"services", rows_json(rows)}};
      if (watch) doc["time"] = when;
      // One document per refresh, one line each, when watching.
      fmt::print("{}\n", json_text(doc, watch ? -1 : 2));
    } else {
      if (watch) fmt::print("{}\n", when);
      print_rows(rows);
    }
    std::fflush(stdout);
    if (!watch) break;
    auto until = std::chrono::steady_clock::now() + *watch;
    while (!*interrupted && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return code;
}

}  // namespace

void add_health_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions&) {
  auto args = std::make_shared<HealthArgs>();
  auto* cmd = app.add_subcommand("health", "Show /health/memory of every service side by side");
  cmd->footer("Examples:\n  ncprof health --all\n  ncprof health crawler search --watch 5s");
  args->targets.add_to(*cmd);
  cmd->add_option("--watch", args->watch, "Refresh every D (e.g. 5s) until interrupted");
  cmd->add_option("--timeout", args->timeout, "Time allowed per request")->capture_default_str();
  cmd->add_option("--format", args->format, "text or json")->check(format_choice({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, &dispatch] { dispatch.run = [args] { return run_health(*args); }; });
}

}  // namespace ncprof::app
