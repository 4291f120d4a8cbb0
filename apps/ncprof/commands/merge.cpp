// ncprof merge FILE... -o OUT: one profile with the samples of all.
#include <memory>

#include "commands/analysis.hpp"
#include "commands/commands.hpp"

namespace ncprof::app {

namespace {

struct MergeArgs {
  std::vector<std::string> files;
  std::string out;
};

int run_merge(const MergeArgs& args, const GlobalOptions& global) {
  auto dopts = decode_options(global);
  if (!dopts) return report_error(dopts.error());
  auto merged = load_merged(args.files, *dopts);
  if (!merged) return report_error(merged.error());
  if (auto ok = profile::write_profile(args.out, *merged); !ok) return report_error(ok.error());
  return kExitOk;
}

}  // namespace

void add_merge_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand("merge", "Merge profiles of the same type into one file");
  cmd->footer("Examples:\n  ncprof merge a.pb.gz b.pb.gz -o all.pb.gz");
  cmd->add_option("FILE", args->files, "Profiles to merge")->required();
  cmd->add_option("-o,--output", args->out, "Output file (gzip protobuf)")->required();
  cmd->callback([args, &dispatch, &global] { dispatch.run = [args, &global] { return run_merge(*args, global); }; });
}

}  // namespace ncprof::app
