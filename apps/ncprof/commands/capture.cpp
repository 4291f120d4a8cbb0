// ncprof capture [TARGET...] [--all] --type T: profiles from many services
// at once, checked, saved whole or not at all.
#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/target_flags.hpp"
#include "ncprof/capture/capture.hpp"
#include "ncprof/profile/measure.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"
#include "terminal.hpp"

namespace ncprof::app {

namespace {

struct CaptureArgs {
  TargetFlags targets;
  std::string type = "heap";
  std::string duration;  // cpu and trace only; 30s when not given
  std::string out = "profiles";
  bool gc = false;
  std::optional<int> debug;
  std::string delta;
  std::string timeout = "30s";
  int concurrency = 256;
  std::string max_bytes = "512M";
  std::string format = "text";
};

std::string describe_total(const capture::CaptureResult& r) {
  if (!r.decoded) return "-";
  return profile::scaled_label(r.total, r.unit, "minimum");
}

int run_capture(const CaptureArgs& args, const GlobalOptions& global) {
  auto base = args.targets.capture_options(args.timeout, global);
  if (!base) return report_error(base.error());
  capture::CaptureOptions opts = *base;
  auto type = capture::parse_type(args.type);
  if (!type) return report_error(type.error());
  opts.type = *type;
  using capture::ProfileType;
  const bool timed_type = opts.type == ProfileType::cpu || opts.type == ProfileType::trace;
  // An option that does not apply is ignored, said so (a script may pass
  // one set of options for every type).
  if (!args.duration.empty() && !timed_type) {
    warn(fmt::format("--duration applies to cpu and trace, ignored for {} (for a delta profile use --delta)",
                     args.type));
  }
  auto duration = util::parse_duration(args.duration.empty() ? "30s" : args.duration);
  if (!duration) return report_error(duration.error());
  if (duration->count() <= 0) return report_usage("--duration must be positive");
  // Go's CPU profile takes whole seconds (?seconds=N); a trace takes fractions.
  if (opts.type == ProfileType::cpu && duration->count() % 1000 != 0) {
    return report_usage(fmt::format("--duration {}: a cpu profile lasts whole seconds (e.g. 1s, 30s)", args.duration));
  }
  opts.duration = *duration;
  if (!args.delta.empty()) {
    auto delta = util::parse_duration(args.delta);
    if (!delta) return report_error(delta.error());
    if (opts.type != ProfileType::heap && opts.type != ProfileType::allocs && opts.type != ProfileType::block &&
        opts.type != ProfileType::mutex) {
      return report_usage("--delta applies to heap, allocs, block and mutex");
    }
    if (delta->count() < 1000 || delta->count() % 1000 != 0) {
      return report_usage(fmt::format("--delta {}: a delta profile lasts whole seconds (e.g. 10s)", args.delta));
    }
    opts.delta = *delta;
  }
  if (args.gc && opts.type != ProfileType::heap) warn(fmt::format("--gc applies to heap, ignored for {}", args.type));
  if (args.debug) {
    const int most = opts.type == ProfileType::goroutine ? 2 : (timed_type ? -1 : 1);
    if (most < 0) return report_usage(fmt::format("--debug applies to the text forms; {} has none", args.type));
    if (*args.debug < 0 || *args.debug > most) {
      return report_usage(fmt::format("--debug for {} must be 0 to {} (got {})", args.type, most, *args.debug));
    }
  }
  opts.gc = args.gc && opts.type == ProfileType::heap;
  // debug=0 is the protobuf, saved as .pb.gz like no --debug at all.
  if (args.debug && *args.debug > 0) opts.debug = args.debug;
  opts.out_dir = args.out;
  opts.concurrency = static_cast<std::size_t>(args.concurrency);
  auto max_bytes = util::parse_size(args.max_bytes);
  if (!max_bytes) return report_error(max_bytes.error());
  if (*max_bytes == 0) return report_usage("--max-bytes must be more than 0 (e.g. 512M)");
  opts.max_bytes = *max_bytes;

  auto services = args.targets.resolve();
  if (!services) return report_error(services.error());
  if (auto ok = util::prepare_output_dir(args.out, "--out"); !ok) return report_error(ok.error());

  const bool timed = opts.type == capture::ProfileType::cpu || opts.type == capture::ProfileType::trace || opts.delta;
  const auto wait = capture::request_timeout(opts) - opts.timeout;
  std::function<void(const client::FetchProgress&)> progress;
  if (timed && stderr_is_terminal()) {
    progress = [&](const client::FetchProgress& p) {
      auto left = std::max<long long>(0, ((wait - p.elapsed).count() + 999) / 1000);
      status_line(fmt::format("capturing {} from {} target(s): {}s left, {}/{} done", args.type, p.total, left, p.done,
                              p.total));
    };
  }
  auto results = capture::capture_all(*services, opts, false, progress);
  status_line("");

  int failed = 0;
  for (const auto& r : results) failed += r.ok ? 0 : 1;
  if (args.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : results) {
      nlohmann::json j = {{"service", r.service}, {"type", r.type}, {"url", r.url}, {"ok", r.ok}};
      if (!r.labels.empty()) j["labels"] = r.labels;
      if (r.ok) {
        j["file"] = r.file;
        j["bytes"] = r.bytes;
        if (r.decoded) {
          j["samples"] = r.samples;
          j["sample_type"] = r.sample_type;
          j["unit"] = r.unit;
          j["total"] = r.total;
          j["empty"] = r.empty;
        }
      } else {
        j["error"] = r.error;
      }
      list.push_back(std::move(j));
    }
    nlohmann::json doc = {{"type", args.type}, {"captured", results.size() - static_cast<std::size_t>(failed)},
                          {"failed", failed}, {"results", list}};
    fmt::print("{}\n", json_text(doc));
  } else {
    std::size_t width = 7;
    for (const auto& r : results) width = std::max(width, r.service.size());
    fmt::print("{:<{}}  {:<12} {:>10} {:>8} {:>10}  {}\n", "SERVICE", width, "TYPE", "BYTES", "SAMPLES", "TOTAL",
               "FILE");
    for (const auto& r : results) {
      if (!r.ok) {
        fmt::print("{:<{}}  {:<12} {:>10} {:>8} {:>10}  FAILED: {}\n", r.service, width, r.type, "-", "-", "-",
                   util::printable(r.error));
        continue;
      }
      std::string note;
      if (r.decoded && r.empty) {
        note = (r.type == "block" || r.type == "mutex")
                   ? "  (empty profile: is runtime.Set" + std::string(r.type == "block" ? "BlockProfileRate" : "MutexProfileFraction") + " on?)"
                   : "  (empty profile)";
      }
      fmt::print("{:<{}}  {:<12} {:>10} {:>8} {:>10}  {}{}\n", r.service, width, r.type, profile::scaled_label(static_cast<std::int64_t>(r.bytes), "bytes", "minimum"),
                 r.decoded ? std::to_string(r.samples) : "-", describe_total(r), r.file, note);
    }
    fmt::print("{} captured, {} failed\n", results.size() - static_cast<std::size_t>(failed), failed);
  }
  for (const auto& r : results) {
    if (!r.ok) report_target_error(r.service, r.error);
  }
  // A local disk error (a file that could not be written) is ours, not the
  // target's: exit 2, as for any local input or output problem.
  const bool disk_error = std::any_of(results.begin(), results.end(), [](const capture::CaptureResult& r) {
    return !r.ok && r.error_kind == ErrorKind::io;
  });
  if (disk_error) return kExitUsage;
  return failed > 0 ? kExitTargets : kExitOk;
}

}  // namespace

void add_capture_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<CaptureArgs>();
  auto* cmd = app.add_subcommand("capture", "Capture profiles from one, many or all services at once");
  cmd->footer("Examples:\n  ncprof capture --all --type heap\n  ncprof capture --all --type cpu --duration 60\n  ncprof capture crawler auth --type goroutine --debug 2");
  args->targets.add_to(*cmd);
  cmd->add_option("--type,-t", args->type, std::string("Profile type: ") + capture::all_type_names())
      ->capture_default_str();
  cmd->add_option("--duration", args->duration, "Length of cpu and trace captures (30, 30s, 5m; default 30s)");
  cmd->add_option("--out", args->out, "Directory for the files")->capture_default_str();
  cmd->add_flag("--gc", args->gc, "Run a GC before the heap profile (gc=1)");
  cmd->add_option("--debug", args->debug, "Save the text form (?debug=N) as .txt");
  cmd->add_option("--delta", args->delta, "Delta profile over this long (heap, allocs, block, mutex)");
  cmd->add_option("--timeout", args->timeout, "Time allowed per request, on top of any duration")
      ->capture_default_str();
  cmd->add_option("--concurrency", args->concurrency, "Transfers at once")->capture_default_str()->check(at_least(1));
  cmd->add_option("--max-bytes", args->max_bytes, "Largest response accepted (e.g. 512M)")->capture_default_str();
  cmd->add_option("--format", args->format, "text or json")->check(format_choice({"text", "json"}))
      ->capture_default_str();
  cmd->callback([args, &dispatch, &global] { dispatch.run = [args, &global] { return run_capture(*args, global); }; });
}

}  // namespace ncprof::app
