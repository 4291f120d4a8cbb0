// ncprof top FILE... [--base FILE | --diff-base FILE]: pprof's top table.
#include <memory>

#include "commands/analysis.hpp"
#include "commands/commands.hpp"
#include "ncprof/profile/merge.hpp"

namespace ncprof::app {

namespace {

struct TopArgs {
  std::vector<std::string> files;
  std::string base;
  std::string diff_base;
  TopFlags flags;
};

int run_top(const TopArgs& args, const GlobalOptions& global) {
  auto dopts = decode_options(global);
  if (!dopts) return report_error(dopts.error());
  auto p = load_merged(args.files, *dopts);
  if (!p) return report_error(p.error());
  std::vector<std::string> sources = args.files;
  const std::string& base_file = args.base.empty() ? args.diff_base : args.base;
  if (!base_file.empty()) {
    auto base = profile::read_profile(base_file, *dopts);
    if (!base) return report_error(base.error());
    auto diff = profile::subtract_base(std::move(*p), std::move(*base), !args.diff_base.empty(), args.files[0], base_file);
    if (!diff) return report_error(diff.error());
    *p = std::move(*diff);
  }
  nlohmann::json extra = nlohmann::json::object();
  if (!args.base.empty()) extra["base"] = args.base;
  if (!args.diff_base.empty()) extra["diff_base"] = args.diff_base;
  return print_top(*p, args.flags, sources, extra);
}

}  // namespace

void add_top_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<TopArgs>();
  auto* cmd = app.add_subcommand("top", "Print the top table of one or more profiles (merged), as go tool pprof -top");
  cmd->footer("Examples:\n  ncprof top profiles/crawler_heap_20261126_101500.pb.gz\n  ncprof top cpu.pb.gz --nodecount 20 --focus main");
  cmd->add_option("FILE", args->files, "Profile files (gzip or raw protobuf)")->required();
  auto* base = cmd->add_option("--base", args->base, "Subtract this profile (pprof -base)");
  auto* diff = cmd->add_option("--diff-base", args->diff_base, "Compare against this profile (pprof -diff_base)");
  base->excludes(diff);
  args->flags.add_to(*cmd);
  cmd->callback([args, &dispatch, &global] { dispatch.run = [args, &global] { return run_top(*args, global); }; });
}

}  // namespace ncprof::app
