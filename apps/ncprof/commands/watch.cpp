// ncprof watch [TARGET...] [--all]: profiles on a schedule, kept with
// retention, the leak trend over a rolling window, Prometheus series on
// --listen, profiles pushed to Pyroscope with --push. Runs in the
// foreground until SIGINT/SIGTERM; SIGHUP reloads the config.
#include <csignal>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include <sys/resource.h>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "commands/commands.hpp"
#include "commands/target_flags.hpp"
#include "ncprof/serve/server.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"
#include "ncprof/watch/watch.hpp"
#include "terminal.hpp"

namespace ncprof::app {

namespace {

struct WatchArgs {
  TargetFlags targets;
  std::string every = "1m";
  std::string types = "heap,goroutine";
  std::string duration = "10s";
  std::string timeout = "30s";
  std::string out = "profiles";
  std::size_t keep = 100;
  std::string keep_for = "7d";
  std::string max_disk = "2G";
  std::string window = "1h";
  std::string min_heap_rate = "32M/h";
  std::string min_goroutine_rate = "60/h";
  double alpha = 0.01;
  std::string listen;
  std::string push;
  std::vector<std::string> push_headers;
  std::string log_format = "text";
  std::size_t workers = 16;
};

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

// "2026-12-01T16:40:05.123Z".
std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms);
}

std::atomic<bool> g_reload{false};
void on_hangup(int) { g_reload = true; }

Result<std::chrono::milliseconds> positive_duration(const std::string& flag, const std::string& value, bool zero_ok) {
  auto d = util::parse_duration(value);
  if (!d) return fail(ErrorKind::usage, fmt::format("{} '{}': {}", flag, value, d.error().message));
  if (d->count() < 0 || (!zero_ok && d->count() == 0)) {
    return fail(ErrorKind::usage, fmt::format("{} '{}' must be more than 0", flag, value));
  }
  return *d;
}

// An output directory watch can write into: made if missing, probed with a
// file that is removed again.
Result<void> writable_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string probe = (std::filesystem::path(dir) / ".ncprof-watch-probe").string();
  if (auto ok = util::write_file_atomic(probe, "probe"); !ok) {
    return fail(ErrorKind::usage, fmt::format("--out {}: cannot write there ({})", dir, ok.error().message));
  }
  std::filesystem::remove(probe, ec);
  return {};
}

Result<watch::WatchOptions> watch_options(const WatchArgs& args, const GlobalOptions& global) {
  watch::WatchOptions o;
  o.types.clear();
  for (const auto& t : util::split_commas(args.types)) {
    auto type = capture::parse_type(t);
    if (!type) return fail(ErrorKind::usage, fmt::format("--types: {}", type.error().message));
    if (std::find(o.types.begin(), o.types.end(), *type) == o.types.end()) o.types.push_back(*type);
  }
  if (o.types.empty()) return fail(ErrorKind::usage, "--types names no profile type");
  const struct {
    const char* flag;
    const std::string& value;
    std::chrono::milliseconds& into;
    bool zero_ok;
  } durations[] = {{"--every", args.every, o.every, false},
                   {"--duration", args.duration, o.duration, false},
                   {"--timeout", args.timeout, o.timeout, false},
                   {"--keep-for", args.keep_for, o.keep_for, true},
                   {"--window", args.window, o.window, false}};
  for (const auto& d : durations) {
    auto v = positive_duration(d.flag, d.value, d.zero_ok);
    if (!v) return tl::unexpected(v.error());
    d.into = *v;
  }
  auto disk = util::parse_size(args.max_disk);
  if (!disk) return fail(ErrorKind::usage, fmt::format("--max-disk '{}': {}", args.max_disk, disk.error().message));
  o.max_disk = *disk;
  o.keep = args.keep;
  o.out_dir = args.out;
  o.workers = args.workers;
  auto heap_rate = util::parse_rate(args.min_heap_rate, true);
  if (!heap_rate) return tl::unexpected(heap_rate.error());
  auto gor_rate = util::parse_rate(args.min_goroutine_rate, false);
  if (!gor_rate) return tl::unexpected(gor_rate.error());
  if (!(args.alpha > 0 && args.alpha < 1)) return fail(ErrorKind::usage, "--alpha must be between 0 and 1");
  o.heap_rule = {args.alpha, *heap_rate, 0, 5, "bytes"};
  o.goroutine_rule = {args.alpha, *gor_rate, 0, 5, "goroutines"};
  auto base = args.targets.capture_options(args.timeout, global);
  if (!base) return tl::unexpected(base.error());
  o.tls = base->tls;
  o.decode = base->decode;
  if (!args.push.empty()) {
    if (args.push.rfind("http://", 0) != 0 && args.push.rfind("https://", 0) != 0) {
      return fail(ErrorKind::usage, fmt::format("--push {}: not an http:// or https:// URL", args.push));
    }
    o.push.url = args.push;
    targets::Service holder;
    holder.name = "--push";
    for (const auto& h : args.push_headers) {
      const auto colon = h.find(':');
      if (colon == std::string::npos || colon == 0) {
        return fail(ErrorKind::usage, "--push-header wants 'Name: value' (a value may be ${ENV_VAR})");
      }
      holder.headers.emplace_back(trim(h.substr(0, colon)), trim(h.substr(colon + 1)));
    }
    auto headers = targets::resolve_headers(holder);
    if (!headers) return fail(ErrorKind::usage, headers.error().message);
    o.push.headers = std::move(*headers);
  } else if (!args.push_headers.empty()) {
    return fail(ErrorKind::usage, "--push-header goes with --push URL");
  }
  return o;
}

// One line per event: "ncprof: watch: ..." or a JSON object.
std::function<void(const watch::Event&)> event_logger(bool json) {
  return [json](const watch::Event& e) {
    const auto level = e.level == watch::Event::Level::error  ? spdlog::level::err
                       : e.level == watch::Event::Level::warn ? spdlog::level::warn
                                                              : spdlog::level::info;
    if (!json) {
      spdlog::log(level, "watch: {}{}{}: {}", e.what, e.service.empty() ? "" : " ", e.service,
                  util::printable(e.message));
      return;
    }
    nlohmann::json j = {{"ts", utc_now()},
                        {"level", e.level == watch::Event::Level::error  ? "error"
                                  : e.level == watch::Event::Level::warn ? "warn"
                                                                         : "info"},
                        {"event", e.what},
                        {"message", e.message}};
    if (!e.service.empty()) j["service"] = e.service;
    for (const auto& [k, v] : e.fields) j[k] = v;
    spdlog::log(level, "{}", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  };
}

int run_watch(const WatchArgs& args, const GlobalOptions& global) {
  auto opts = watch_options(args, global);
  if (!opts) return report_error(opts.error());
  auto services = args.targets.resolve();
  if (!services) return report_error(services.error());
  if (services->empty()) return report_usage("name targets to watch (or --all)");
  if (auto ok = writable_dir(opts->out_dir); !ok) return report_error(ok.error());
  const bool json = args.log_format == "json";
  if (json) spdlog::default_logger()->set_pattern("%v");
  watch::Metrics metrics;
  std::unique_ptr<serve::PageServer> server;
  if (!args.listen.empty()) {
    auto addr = serve::parse_address(args.listen);
    if (!addr) return report_error(addr.error());
    server = std::make_unique<serve::PageServer>();
    server->get("/metrics", [&metrics] {
      return serve::Reply{"text/plain; version=0.0.4; charset=utf-8", metrics.text()};
    });
    if (auto ok = server->bind(*addr, ""); !ok) {
      return report_error(Error{ErrorKind::usage, fmt::format("--listen {}: {}", args.listen, ok.error().message)});
    }
  }
  const auto& stop = catch_interrupts();
  std::signal(SIGHUP, on_hangup);
  auto log = event_logger(json);
  // Connections stay open between captures (one per worker and target):
  // the soft limit on descriptors goes up to the hard one (at most 65536),
  // as Go does.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0) {
    const rlim_t want = std::min<rlim_t>(files.rlim_max, 65536);
    if (files.rlim_cur < want) {
      files.rlim_cur = want;
      setrlimit(RLIMIT_NOFILE, &files);
    }
  }
  watch::Watcher watcher(*opts, *services, metrics, log);
  std::thread serving;
  if (server) {
    log({watch::Event::Level::info, "listen", "",
         fmt::format("serving /metrics on http://{}:{}/metrics", args.listen.substr(0, args.listen.rfind(':')),
                     server->port()),
         {{"port", std::to_string(server->port())}}});
    serving = std::thread([&] { server->run(stop); });
  }
  log({watch::Event::Level::info, "start", "",
       fmt::format("watching {} targets: {} every {}, into {}", services->size(), args.types, args.every, opts->out_dir),
       {}});
  watcher.run(stop, &g_reload, [&args]() { return args.targets.resolve(); });
  if (serving.joinable()) serving.join();
  const auto s = watcher.stats();
  log({watch::Event::Level::info, "stop", "",
       fmt::format("stopped: {} captures, {} failed, {} late, {} missed", s.captures_ok, s.captures_failed, s.late,
                   s.missed),
       {}});
  return kExitOk;
}

}  // namespace

void add_watch_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<WatchArgs>();
  auto* cmd = app.add_subcommand("watch", "Capture profiles on a schedule, keep them, watch the leak trend, feed Prometheus");
  cmd->footer(
      "Files: OUT/<service>/<type>/<service>_<type>_<time>.pb.gz, oldest deleted first past --keep, --keep-for or\n"
      "  --max-disk. SIGHUP reloads the config; SIGINT or SIGTERM stops (no partial file is left).\n"
      "Examples:\n  ncprof watch --all --every 1m --listen 127.0.0.1:9464\n"
      "  ncprof watch crawler search --types heap,goroutine,cpu --duration 10s --every 5m\n"
      "  ncprof watch --all --push http://pyroscope:4040 --push-header 'X-Scope-OrgID: ${TENANT}'");
  args->targets.add_to(*cmd);
  cmd->add_option("--every", args->every, "Capture interval per target and type")->capture_default_str();
  cmd->add_option("--types", args->types, "Profile types to capture (comma-separated; cpu and trace last --duration)")
      ->capture_default_str();
  cmd->add_option("--duration", args->duration, "Length of cpu and trace captures")->capture_default_str();
  cmd->add_option("--timeout", args->timeout, "Per-request timeout (on top of --duration)")->capture_default_str();
  cmd->add_option("--out", args->out, "Directory the profiles go under")->capture_default_str();
  cmd->add_option("--keep", args->keep, "Files kept per service and type (0: no limit)")->capture_default_str();
  cmd->add_option("--keep-for", args->keep_for, "Delete files older than this (0: never)")->capture_default_str();
  cmd->add_option("--max-disk", args->max_disk, "Delete the oldest files past this total size (0: no limit)")
      ->capture_default_str();
  cmd->add_option("--window", args->window, "Rolling window of the leak trend")->capture_default_str();
  cmd->add_option("--min-heap-rate", args->min_heap_rate, "Heap growth floor of a LEAK (SIZE/h)")->capture_default_str();
  cmd->add_option("--min-goroutine-rate", args->min_goroutine_rate, "Goroutine growth floor of a LEAK (N/h)")
      ->capture_default_str();
  cmd->add_option("--alpha", args->alpha, "Significance of the trend test")->capture_default_str();
  cmd->add_option("--listen", args->listen, "Serve Prometheus /metrics on HOST:PORT");
  cmd->add_option("--push", args->push, "Push every profile to a Pyroscope server (its base URL)");
  cmd->add_option("--push-header", args->push_headers, "Header for pushes, 'Name: value' (${ENV} expanded; never printed)");
  cmd->add_option("--log-format", args->log_format, "text or json")->check(format_choice({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--workers", args->workers, "Captures under way at once")->check(at_least(1))->capture_default_str();
  cmd->callback([args, &dispatch, &global] { dispatch.run = [args, &global] { return run_watch(*args, global); }; });
}

}  // namespace ncprof::app
