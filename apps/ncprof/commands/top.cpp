// ncprof top FILE... [--base FILE | --diff-base FILE]: pprof's top table.
#include <memory>

#include "commands/analysis.hpp"
#include "commands/commands.hpp"
#include "ncprof/profile/merge.hpp"

namespace ncprof::app {

namespace {

struct TopArgs {
  std::vector<std::string> files;
  BaseFlags base;
  TopFlags flags;
};

int run_top(const TopArgs& args, const GlobalOptions& global) {
  auto dopts = decode_options(global);
  if (!dopts) return report_error(dopts.error());
  // pprof merges the sources (even one) before it normalizes them: each
  // sample is scaled and rounded, so those merges combine samples. The
  // table only sums over samples (SampleUse::summed).
  const auto use = profile::SampleUse::summed;
  auto p = load_merged(args.files, *dopts, args.base.normalize,
                       args.base.normalize ? profile::SampleUse::combined : use);
  if (!p) return report_error(p.error());
  if (auto ok = apply_base(*p, args.base, args.files[0], *dopts, use); !ok) return report_error(ok.error());
  nlohmann::json extra = nlohmann::json::object();
  if (!args.base.base.empty()) extra["base"] = args.base.base;
  if (!args.base.diff_base.empty()) extra["diff_base"] = args.base.diff_base;
  return print_top(*p, args.flags, args.files, extra);
}

}  // namespace

void add_top_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<TopArgs>();
  auto* cmd = app.add_subcommand("top", "Print the top table of one or more profiles (merged), as go tool pprof -top");
  cmd->footer("Examples:\n  ncprof top profiles/crawler_heap_20261126_101500.pb.gz\n  ncprof top cpu.pb.gz --nodecount 20 --focus main");
  cmd->add_option("FILE", args->files, "Profile files (gzip or raw protobuf)")->required();
  args->base.add_to(*cmd);
  args->flags.add_to(*cmd);
  cmd->callback([args, &dispatch, &global] { dispatch.run = [args, &global] { return run_top(*args, global); }; });
}

}  // namespace ncprof::app
