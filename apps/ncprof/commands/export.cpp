// ncprof export FILE... --format folded|speedscope|pprof [-o OUT]: the
// profile in the formats the rest of the ecosystem reads.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "commands/analysis.hpp"
#include "commands/commands.hpp"
#include "ncprof/profile/codec.hpp"
#include "ncprof/profile/export.hpp"
#include "ncprof/profile/merge.hpp"
#include "ncprof/util/files.hpp"
#include "log.hpp"

namespace ncprof::app {

namespace {

struct ExportArgs {
  std::vector<std::string> files;
  BaseFlags base;
  std::string format = "folded";
  std::string out;
  TopFlags flags;
};

Result<std::string> render(const ExportArgs& args, const profile::TopOptions& opts, const profile::DecodeOptions& dopts) {
  const std::string& base_file = args.base.file();
  if (args.format == "folded" && !base_file.empty()) {
    // difffolded.pl's form: each side on its own, stack by stack.
    auto current = load_for_report(args.files, {}, dopts, &opts);
    if (!current) return tl::unexpected(current.error());
    auto base = load_for_report({base_file}, {}, dopts, &opts);
    if (!base) return tl::unexpected(base.error());
    if (args.base.normalize) profile::normalize_to(*current, *base);
    return profile::export_folded_diff(*base, *current, opts);
  }
  if (args.format == "speedscope" && !base_file.empty()) {
    return fail(ErrorKind::usage, "speedscope has no differential view: export --format folded with --base instead");
  }
  auto p = load_for_report(args.files, args.base, dopts, &opts);
  if (!p) return tl::unexpected(p.error());
  if (args.format == "folded") return profile::export_folded(*p, opts);
  if (args.format == "speedscope") return profile::export_speedscope(*p, opts, fmt::format("{}", fmt::join(args.files, ", ")));
  auto filtered = profile::export_filtered(*p, opts);
  if (!filtered) return tl::unexpected(filtered.error());
  return profile::encode_profile(*filtered);
}

int run_export(const ExportArgs& args, const GlobalOptions& global) {
  auto opts = args.flags.options();
  if (!opts) return report_error(opts.error());
  auto dopts = decode_options(global);
  if (!dopts) return report_error(dopts.error());
  if (args.format == "pprof" && args.out.empty() && ::isatty(STDOUT_FILENO)) {
    return report_usage("--format pprof writes a binary profile: give -o FILE (or redirect stdout)");
  }
  if (!args.out.empty()) {
    if (auto ok = util::prepare_output_file(args.out, "-o"); !ok) return report_error(ok.error());
  }
  auto data = render(args, *opts, *dopts);
  if (!data) {
    Error e = data.error();
    if (e.kind != ErrorKind::usage || e.message.find(args.files[0]) == std::string::npos) {
      e.message = fmt::format("{}: {}", fmt::join(args.files, ", "), e.message);
    }
    return report_error(e);
  }
  if (args.out.empty()) {
    std::fwrite(data->data(), 1, data->size(), stdout);
    return kExitOk;
  }
  if (auto ok = util::write_file_atomic(args.out, *data); !ok) return report_error(ok.error());
  info(fmt::format("wrote {} ({} form)", args.out, args.format));
  return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand("export", "Write profiles as folded stacks, a speedscope file or a filtered pprof profile");
  cmd->footer(
      "Examples:\n  ncprof export cpu.pb.gz > cpu.folded            # flamegraph.pl, inferno, speedscope\n"
      "  ncprof export cpu.pb.gz --format speedscope -o cpu.speedscope.json\n"
      "  ncprof export after.pb.gz --base before.pb.gz > diff.folded   # difffolded.pl's form\n"
      "  ncprof export heap.pb.gz --format pprof --focus main -o main-only.pb.gz");
  cmd->add_option("FILE", args->files, "Profile files (gzip or raw protobuf; several are merged)")->required();
  cmd->add_option("--format", args->format, "folded, speedscope or pprof")
      ->check(CLI::IsMember({"folded", "speedscope", "pprof"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", args->out, "Output file (default: stdout)");
  args->base.add_to(*cmd, "Subtract this profile (folded: the two-column 'stack base new' form)",
                    "Compare against this profile (as --base for folded)");
  args->flags.add_selection_to(*cmd);
  cmd->callback([args, &dispatch, &global] { dispatch.run = [args, &global] { return run_export(*args, global); }; });
}

}  // namespace ncprof::app
