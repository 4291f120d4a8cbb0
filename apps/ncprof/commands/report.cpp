// ncprof report SOURCE... [-o FILE.html] and ncprof web SOURCE... [--http
// ADDR]: the flame graph, top table and callers/callees of profiles (files
// or live targets), as one offline HTML file or served on a local address.
#include <cstdlib>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands/analysis.hpp"
#include "commands/commands.hpp"
#include "commands/target_flags.hpp"
#include "log.hpp"
#include "ncprof/capture/capture.hpp"
#include "ncprof/profile/merge.hpp"
#include "ncprof/profile/prune.hpp"
#include "ncprof/render/report.hpp"
#include "ncprof/serve/server.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"
#include "terminal.hpp"

namespace ncprof::app {

namespace {

namespace fs = std::filesystem;

struct ReportArgs {
  std::vector<std::string> sources;
  std::string out;
  std::string base, diff_base;
  std::string title;
  TopFlags flags;
  TargetFlags targets;
  std::string type = "cpu";
  std::string duration = "30s";
  std::string timeout = "30s";
  // web
  std::string http = "127.0.0.1:8081";
  bool no_browser = false;
};

struct Loaded {
  profile::Profile profile;
  std::vector<std::string> names;
};

// Files are read; anything else is a target captured now (--type, --duration).
Result<Loaded> load_sources(const std::vector<std::string>& sources, const ReportArgs& args,
                            const GlobalOptions& global) {
  auto dopts = decode_options(global);
  if (!dopts) return tl::unexpected(dopts.error());
  auto reg = targets::load_registry(args.targets.config, args.targets.host);
  if (!reg) return tl::unexpected(reg.error());
  std::vector<std::string> files, live;
  for (const auto& s : sources) (targets::names_file(*reg, s) ? files : live).push_back(s);
  std::vector<profile::Profile> profiles;
  std::vector<std::string> names;
  for (const auto& f : files) {
    auto p = profile::read_profile(f, *dopts);
    if (!p) return tl::unexpected(p.error());
    profiles.push_back(std::move(*p));
    names.push_back(f);
  }
  if (!live.empty()) {
    TargetFlags tf = args.targets;
    tf.targets = live;
    auto services = tf.resolve();
    if (!services) return tl::unexpected(services.error());
    auto opts = tf.capture_options(args.timeout, global);
    if (!opts) return tl::unexpected(opts.error());
    auto type = capture::parse_type(args.type);
    if (!type) return tl::unexpected(type.error());
    if (*type == capture::ProfileType::trace) {
      return fail(ErrorKind::usage, "--type trace: an execution trace is not a profile (open it with go tool trace)");
    }
    opts->type = *type;
    auto d = util::parse_duration(args.duration);
    if (!d) return tl::unexpected(d.error());
    if (d->count() <= 0 || d->count() % 1000 != 0) {
      return fail(ErrorKind::usage, fmt::format("--duration {}: whole seconds above 0 (e.g. 30s)", args.duration));
    }
    opts->duration = *d;
    opts->save = false;
    opts->stop = &catch_interrupts();
    if (*type == capture::ProfileType::cpu) info(fmt::format("capturing {} s of CPU profile", d->count() / 1000));
    for (auto& r : capture::capture_all(*services, *opts, true)) {
      if (!r.ok || !r.profile) {
        return fail(r.error_kind == ErrorKind::usage ? ErrorKind::usage : ErrorKind::network,
                    fmt::format("{}: {}", r.url.empty() ? r.service : r.url, r.error));
      }
      profiles.push_back(std::move(*r.profile));
      names.push_back(r.url);
    }
  }
  Loaded out;
  out.names = names;
  if (profiles.size() == 1) {
    out.profile = std::move(profiles[0]);
  } else {
    auto m = profile::merge_owned_profiles(std::move(profiles), names);
    if (!m) return tl::unexpected(m.error());
    out.profile = std::move(*m);
  }
  return out;
}

// A profile's own drop_frames, applied as top applies them.
Result<void> drop_frames(profile::Profile& p, const std::vector<std::string>& names) {
  if (p.drop_frames.empty()) return {};
  if (auto ok = profile::remove_uninteresting(p); !ok) {
    Error e = ok.error();
    e.message = fmt::format("{}: {}", fmt::join(names, ", "), e.message);
    return tl::unexpected(e);
  }
  return {};
}

std::string default_output(const ReportArgs& args, const Loaded& l) {
  const std::string& first = args.sources.front();
  if (l.names.front() == first && fs::path(first).has_filename()) {
    std::string name = fs::path(first).filename().string();
    for (const char* ext : {".pb.gz", ".pprof", ".pb", ".gz", ".prof"}) {
      const std::string e = ext;
      if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
        name.resize(name.size() - e.size());
        break;
      }
    }
    return (fs::path(first).parent_path() / (name + ".html")).string();
  }
  return fmt::format("{}_{}_{}.html", util::file_name_part(first), args.type,
                     util::timestamp_for_file(std::chrono::system_clock::now()));
}

Result<std::string> build_page(const ReportArgs& args, const GlobalOptions& global, std::string* out_name,
                               render::ReportStats* stats) {
  auto topts = args.flags.options();
  if (!topts) return tl::unexpected(topts.error());
  auto loaded = load_sources(args.sources, args, global);
  if (!loaded) return tl::unexpected(loaded.error());
  if (auto ok = drop_frames(loaded->profile, loaded->names); !ok) return tl::unexpected(ok.error());
  if (out_name) *out_name = args.out.empty() ? default_output(args, *loaded) : args.out;

  render::ReportInput in;
  in.files = loaded->names;
  in.top = *topts;
  in.flame.frames = topts->frame_options();
  const std::string& base_file = args.base.empty() ? args.diff_base : args.base;
  profile::Profile drawn, table, base;
  if (!base_file.empty()) {
    auto dopts = decode_options(global);
    if (!dopts) return tl::unexpected(dopts.error());
    auto b = profile::read_profile(base_file, *dopts);
    if (!b) return tl::unexpected(b.error());
    base = std::move(*b);
    if (auto ok = drop_frames(base, {base_file}); !ok) return tl::unexpected(ok.error());
    auto d = profile::subtract_base(loaded->profile, base, true, in.files.front(), base_file);
    if (!d) return tl::unexpected(d.error());
    drawn = std::move(*d);
    if (args.diff_base.empty()) {
      auto t = profile::subtract_base(loaded->profile, base, false, in.files.front(), base_file);
      if (!t) return tl::unexpected(t.error());
      table = std::move(*t);
      in.table_profile = &table;
    } else {
      in.table_profile = &drawn;
    }
    in.profile = &drawn;
    in.current = &loaded->profile;
    in.base = &base;
    in.base_files = {base_file};
    in.diff_mode = args.diff_base.empty() ? "base" : "diff_base";
  } else {
    in.profile = &loaded->profile;
  }
  in.title = args.title;
  if (in.title.empty()) {
    in.title = fmt::format("{}{}", fmt::join(in.files, ", "), base_file.empty() ? "" : " vs " + base_file);
  }
  return render::render_report_html(in, stats);
}

int run_report(const ReportArgs& args, const GlobalOptions& global) {
  std::string out;
  render::ReportStats stats;
  auto page = build_page(args, global, &out, &stats);
  if (!page) return report_error(page.error());
  if (auto ok = util::write_file_atomic(out, *page); !ok) return report_error(ok.error());
  info(fmt::format("wrote {} ({} frames, {})", out, stats.nodes, util::human_bytes(stats.bytes)));
  return kExitOk;
}

// Opens the system browser when there is a display; never fails the command.
void open_browser(const std::string& url) {
  const char* browser = std::getenv("BROWSER");
  const bool display = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY");
  if (!browser && !display) return;
  std::string cmd = browser ? browser : "xdg-open";
  std::vector<char*> argv{cmd.data(), const_cast<char*>(url.c_str()), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  if (posix_spawnp(&pid, cmd.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
    warn(fmt::format("could not start {}: open {} yourself", cmd, url));
  }
  posix_spawn_file_actions_destroy(&actions);
}

int run_web(const ReportArgs& args, const GlobalOptions& global) {
  auto addr = serve::parse_address(args.http);
  if (!addr) return report_error(addr.error());
  render::ReportStats stats;
  auto page = build_page(args, global, nullptr, &stats);
  if (!page) return report_error(page.error());
  serve::PageServer server;
  if (auto ok = server.bind(*addr, std::move(*page)); !ok) return report_error(ok.error());
  const std::string host = addr->host.find(':') != std::string::npos ? "[" + addr->host + "]" : addr->host;
  const std::string url = fmt::format("http://{}:{}/", host == "0.0.0.0" ? "127.0.0.1" : host, server.port());
  fmt::print("Serving web UI on {}\n", url);
  std::fflush(stdout);
  const auto& stop = catch_interrupts();
  if (!args.no_browser) open_browser(url);
  server.run(stop);
  info("stopped");
  return kExitOk;
}

void add_shared_options(CLI::App* cmd, ReportArgs& a) {
  cmd->add_option("SOURCE", a.sources, "Profile files (merged), or live targets: crawler, host:port, URL")->required();
  auto* base = cmd->add_option("--base", a.base, "Subtract this profile (pprof -base): a differential flame graph");
  auto* diff = cmd->add_option("--diff-base", a.diff_base, "Compare against this profile (pprof -diff_base)");
  base->excludes(diff);
  cmd->add_option("--title", a.title, "Title of the page (default: the sources)");
  cmd->add_option("--type", a.type, "Profile type to capture from a live target")
      ->check(CLI::IsMember({"heap", "allocs", "cpu", "goroutine", "block", "mutex", "threadcreate"}))
      ->capture_default_str();
  cmd->add_option("--duration", a.duration, "CPU profile length for a live target")->capture_default_str();
  cmd->add_option("--timeout", a.timeout, "Per-request timeout on top of --duration")->capture_default_str();
  a.flags.add_to(*cmd, false, false);
  a.targets.add_to(*cmd, false);
}

}  // namespace

void add_report_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand("report", "Write one offline HTML page: flame graph, top table, callers/callees");
  cmd->footer(
      "Examples:\n  ncprof report profiles/crawler_heap_20261126_101500.pb.gz\n"
      "  ncprof report crawler --type cpu --duration 30s -o crawler-cpu.html\n"
      "  ncprof report heap-after.pb.gz --base heap-before.pb.gz");
  add_shared_options(cmd, *args);
  cmd->add_option("-o,--output", args->out, "Output file (default: next to the first file, as NAME.html)");
  cmd->callback([args, &dispatch, &global] { dispatch.run = [args, &global] { return run_report(*args, global); }; });
}

void add_web_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand("web", "Serve the report page on a local address (go tool pprof -http)");
  cmd->footer(
      "Examples:\n  ncprof web profiles/crawler_heap_20261126_101500.pb.gz\n"
      "  ncprof web --http :8081 --base before.pb.gz after.pb.gz\n  ncprof web crawler --type heap --no-browser");
  add_shared_options(cmd, *args);
  cmd->add_option("--http", args->http, "Address to listen on: HOST:PORT, :PORT means localhost")
      ->capture_default_str();
  cmd->add_flag("--no-browser", args->no_browser, "Do not open a browser");
  cmd->callback([args, &dispatch, &global] { dispatch.run = [args, &global] { return run_web(*args, global); }; });
}

}  // namespace ncprof::app
