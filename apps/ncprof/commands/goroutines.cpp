// ncprof goroutines SOURCE [--base SOURCE]: goroutines grouped by stack
// (and wait state), or the stacks that grew since a base.
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/target_flags.hpp"
#include "log.hpp"
#include "ncprof/leak/goroutines.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::app {

namespace {

struct GoroutineArgs {
  std::string source;
  std::string base;
  TargetFlags targets;  // --config, --host, TLS for a target SOURCE
  std::string timeout = "30s";
  int frames = 6;
  std::string format = "text";
};

// A configured service, a target, or a file. A bare word is a service
// first (a directory named crawler/ does not hide the crawler service); an
// argument that looks like a path is a file.
Result<leak::GoroutineDump> load(const std::string& source, const GoroutineArgs& args) {
  auto read = [&]() -> Result<leak::GoroutineDump> {
    auto data = util::read_file(source, 1ull << 30);
    if (!data) return tl::unexpected(data.error());
    return leak::parse_goroutines(*data, source == "-" ? "standard input" : source);
  };
  if (targets::looks_like_path(source)) return read();
  std::error_code ec;
  auto reg = targets::load_registry(args.targets.config, args.targets.host);
  if (!reg) return tl::unexpected(reg.error());
  if (targets::names_file(*reg, source)) return read();
  if (reg->find(source) && std::filesystem::exists(source, ec)) {
    info(fmt::format("'{}' is the configured service (for the file, write ./{})", source, source));
  }
  auto svc = targets::resolve_targets(*reg, {source}, false);
  if (!svc) {
    return fail(ErrorKind::usage, fmt::format("{}: no such file, and not a target ({})", source, svc.error().message));
  }
  auto headers = targets::resolve_headers(svc->front());
  if (!headers) return tl::unexpected(headers.error());
  auto timeout = util::parse_duration(args.timeout);
  if (!timeout) return tl::unexpected(timeout.error());
  client::HttpRequest req;
  req.url = svc->front().pprof_base + "/goroutine?debug=2";
  req.headers = std::move(*headers);
  req.total_timeout = *timeout;
  req.tls = args.targets.tls();
  auto r = client::fetch(req);
  if (!r) return tl::unexpected(r.error());
  if (r->status != 200) return fail(ErrorKind::network, fmt::format("{}: HTTP {}", req.url, r->status));
  auto dump = leak::parse_goroutines(r->body, req.url);
  if (!dump) return fail(ErrorKind::network, dump.error().message);
  return dump;
}

std::string stack_text(const leak::GoroutineGroup& g, std::size_t frames) {
  std::string out;
  for (std::size_t i = 0; i < g.frames.size() && i < frames; ++i) out += (i ? " < " : "") + g.frames[i];
  if (g.frames.size() > frames) out += fmt::format(" < ... ({} more)", g.frames.size() - frames);
  if (!g.created_by.empty()) out += "  [created by " + g.created_by + "]";
  return out;
}

std::string wait_text(const leak::GoroutineGroup& g) {
  return g.longest_wait_minutes > 0 ? fmt::format("{} min", g.longest_wait_minutes) : "-";
}

nlohmann::json group_json(const leak::GoroutineGroup& g) {
  nlohmann::json j = {{"count", g.count}, {"frames", g.frames}};
  if (!g.state.empty()) j["state"] = g.state;
  if (!g.created_by.empty()) j["created_by"] = g.created_by;
  if (g.longest_wait_minutes > 0) j["longest_wait_minutes"] = g.longest_wait_minutes;
  return j;
}

int run_goroutines(const GoroutineArgs& args) {
  auto now = load(args.source, args);
  if (!now) return report_error(now.error());
  if (args.base.empty()) {
    if (args.format == "json") {
      nlohmann::json groups = nlohmann::json::array();
      for (const auto& g : now->groups) groups.push_back(group_json(g));
      fmt::print("{}\n", json_text(nlohmann::json{{"source", args.source}, {"format", now->format}, {"total", now->total},
                                        {"groups", groups}}));
      return kExitOk;
    }
    fmt::print("{}: {} goroutines in {} groups ({})\n", args.source, now->total, now->groups.size(), now->format);
    fmt::print("{:>6}  {:<24} {:>8}  {}\n", "COUNT", "STATE", "WAIT", "STACK (leaf first)");
    for (const auto& g : now->groups) {
      fmt::print("{:>6}  {:<24} {:>8}  {}\n", g.count, g.state.empty() ? "-" : g.state, wait_text(g),
                 stack_text(g, static_cast<std::size_t>(args.frames)));
    }
    return kExitOk;
  }
  auto base = load(args.base, args);
  if (!base) return report_error(base.error());
  auto growth = leak::goroutine_growth(*base, *now);
  if (args.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& g : growth) {
      auto j = group_json(g.group);
      j.erase("count");  // base, now and growth say it
      j["base"] = g.base;
      j["now"] = g.now;
      j["growth"] = g.growth();
      list.push_back(std::move(j));
    }
    fmt::print("{}\n", json_text(nlohmann::json{{"base", args.base}, {"source", args.source}, {"base_total", base->total},
                                      {"total", now->total}, {"grew", list}}));
    return kExitOk;
  }
  fmt::print("{} -> {}: {} -> {} goroutines ({:+})\n", args.base, args.source, base->total, now->total,
             now->total - base->total);
  if (growth.empty()) {
    fmt::print("no stack grew\n");
    return kExitOk;
  }
  fmt::print("{:>7} {:>6} {:>6}  {:<24} {}\n", "GROWTH", "BASE", "NOW", "STATE", "STACK (leaf first)");
  for (const auto& g : growth) {
    fmt::print("{:>+7} {:>6} {:>6}  {:<24} {}\n", g.growth(), g.base, g.now,
               g.group.state.empty() ? "-" : g.group.state, stack_text(g.group, static_cast<std::size_t>(args.frames)));
  }
  return kExitOk;
}

}  // namespace

void add_goroutines_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions&) {
  auto args = std::make_shared<GoroutineArgs>();
  auto* cmd = app.add_subcommand("goroutines", "Goroutines grouped by stack; with --base, the stacks that grew");
  cmd->footer("Examples:\n  ncprof goroutines crawler\n  ncprof goroutines after.txt --base before.pprof");
  cmd->add_option("SOURCE", args->source, "A goroutine profile, a ?debug=1/2 dump, or a target")->required();
  cmd->add_option("--base", args->base, "An earlier dump or target to compare with");
  args->targets.add_to(*cmd, false);
  cmd->add_option("--timeout", args->timeout, "Time allowed per request")->capture_default_str();
  cmd->add_option("--frames", args->frames, "Frames shown per stack")->capture_default_str()->check(at_least(1));
  cmd->add_option("--format", args->format, "text or json")->check(format_choice({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, &dispatch] { dispatch.run = [args] { return run_goroutines(*args); }; });
}

}  // namespace ncprof::app
