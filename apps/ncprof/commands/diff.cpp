// ncprof diff BASE NEW [-o OUT]: the difference NEW - BASE, written as a
// profile (go tool pprof reads it) or printed as a top table.
#include <memory>

#include "commands/analysis.hpp"
#include "commands/commands.hpp"
#include "ncprof/profile/merge.hpp"

namespace ncprof::app {

namespace {

struct DiffArgs {
  std::string base;
  std::string current;
  std::string out;
  bool diff_base = false;
  bool normalize = false;
  TopFlags flags;
};

int run_diff(const DiffArgs& args, const GlobalOptions& global) {
  auto dopts = decode_options(global);
  if (!dopts) return report_error(dopts.error());
  auto base = profile::read_profile(args.base, *dopts);
  if (!base) return report_error(base.error());
  auto current = profile::read_profile(args.current, *dopts);
  if (!current) return report_error(current.error());
  auto diff = profile::subtract_base(std::move(*current), std::move(*base), args.diff_base, args.current, args.base,
                                     args.normalize,
                                     // A table only sums over samples; -o writes them.
                                     args.out.empty() ? profile::SampleUse::summed : profile::SampleUse::combined);
  if (!diff) return report_error(diff.error());
  if (!args.out.empty()) {
    // -o writes the whole difference as a profile; the table's options
    // would be silently lost.
    const auto& f = args.flags;
    if (f.format != "text" || f.nodecount != 0 || f.cum || !f.focus.empty() || !f.ignore.empty() || !f.hide.empty() ||
        !f.show.empty() || f.granularity != "functions" || f.no_trim || !f.sample_index.empty()) {
      return report_error(Error{ErrorKind::usage,
                                "diff -o writes the whole difference as a profile: the table options (--format, "
                                "--focus, --nodecount, ...) apply without -o, or to ncprof top on the written file"});
    }
    if (auto ok = profile::write_profile(args.out, *diff); !ok) return report_error(ok.error());
    return kExitOk;
  }
  return print_top(*diff, args.flags, {args.current}, {{args.diff_base ? "diff_base" : "base", args.base}});
}

}  // namespace

void add_diff_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto args = std::make_shared<DiffArgs>();
  auto* cmd = app.add_subcommand("diff", "Subtract BASE from NEW: write the diff profile (-o) or print its top table");
  cmd->footer("Examples:\n  ncprof diff before.pb.gz after.pb.gz\n  ncprof diff before.pb.gz after.pb.gz -o growth.pb.gz");
  cmd->add_option("BASE", args->base, "Base profile")->required();
  cmd->add_option("NEW", args->current, "New profile")->required();
  cmd->add_option("-o,--output", args->out, "Write the diff profile here (gzip protobuf)");
  cmd->add_flag("--diff-base", args->diff_base,
                "Mark base samples (pprof::base) so percentages are relative to the base, as pprof -diff_base");
  cmd->add_flag("--normalize", args->normalize, "Scale NEW to BASE's total before subtracting (pprof -normalize)");
  args->flags.add_to(*cmd);
  cmd->callback([args, &dispatch, &global] { dispatch.run = [args, &global] { return run_diff(*args, global); }; });
}

}  // namespace ncprof::app
