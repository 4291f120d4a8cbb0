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
  }
  return "unreachable";
}

const char* const kFields[] = {"heap_alloc_mb", "heap_inuse_mb", "heap_idle_mb", "stack_inuse_mb",
                               "num_gc",        "num_goroutine", "gomaxprocs",   "last_gc_pause_ms"};

// The figures shown, null where the document lacks one.
nlohmann::json shown_figures(const nlohmann::json& doc) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* f : kFields) out[f] = doc.contains(f) ? doc[f] : nlohmann::json();
  return out;
}

std::string num(const nlohmann::json& v, const char* fmtspec) {
  if (!v.is_number()) return "-";
  return fmt::format(fmt::runtime(fmtspec), v.get<double>());
}

void print_rows(const std::vector<capture::HealthReading>& rows, const std::string& format) {
  if (format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json j = {{"service", r.service}, {"status", status_text(r.status)}};
      if (!r.url.empty()) j["url"] = r.url;
      if (!r.error.empty()) j["error"] = r.error;
      if (r.status == Status::ok) j["memory"] = shown_figures(r.figures);
      list.push_back(std::move(j));
    }
    fmt::print("{}\n", nlohmann::json{{"services", list}}.dump(2));
    return;
  }
  std::size_t width = 7;
  for (const auto& r : rows) width = std::max(width, r.service.size());
  fmt::print("{:<{}}  {:>10} {:>10} {:>10} {:>8} {:>7} {:>10} {:>10} {:>12}\n", "SERVICE", width, "HEAP ALLOC",
             "HEAP INUSE", "HEAP IDLE", "STACK", "GC", "GOROUTINES", "GOMAXPROCS", "LAST GC PAUSE");
  for (const auto& r : rows) {
    if (r.status != Status::ok) {
      fmt::print("{:<{}}  {}{}\n", r.service, width, status_text(r.status), r.error.empty() ? "" : ": " + r.error);
      continue;
    }
    const auto f = shown_figures(r.figures);
    fmt::print("{:<{}}  {:>10} {:>10} {:>10} {:>8} {:>7} {:>10} {:>10} {:>12}\n", r.service, width,
               num(f["heap_alloc_mb"], "{:.1f} MB"), num(f["heap_inuse_mb"], "{:.1f} MB"),
               num(f["heap_idle_mb"], "{:.1f} MB"), num(f["stack_inuse_mb"], "{:.1f} MB"), num(f["num_gc"], "{:.0f}"),
               num(f["num_goroutine"], "{:.0f}"), num(f["gomaxprocs"], "{:.0f}"),
               num(f["last_gc_pause_ms"], "{:.3f} ms"));
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
      if (r.status == Status::unreachable) {
        code = kExitTargets;
        fmt::print(stderr, "ncprof: error: {}: {}\n", r.service, r.error);
      }
    }
    if (watch && args.format == "text") {
      auto now = std::chrono::system_clock::now();
      fmt::print("{}\n", util::timestamp_for_file(now));
    }
    print_rows(rows, args.format);
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
  args->targets.add_to(*cmd);
  cmd->add_option("--watch", args->watch, "Refresh every D (e.g. 5s) until interrupted");
  cmd->add_option("--timeout", args->timeout, "Time allowed per request")->capture_default_str();
  cmd->add_option("--format", args->format, "text or json")->check(format_choice({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, &dispatch] { dispatch.run = [args] { return run_health(*args); }; });
}

}  // namespace ncprof::app
