// ncprof __complete services [--config F] [--host H]: the names shell
// completions offer, from the same config the commands read. Hidden from
// --help: shells call it, people do not.
#include <memory>

#include <fmt/format.h>

#include "commands/commands.hpp"
#include "commands/target_flags.hpp"

namespace ncprof::app {

namespace {

struct CompleteArgs {
  std::string what;
  TargetFlags targets;
};

int run_complete(const CompleteArgs& args) {
  if (args.what != "services") return report_error(Error{ErrorKind::usage, "__complete knows: services"});
  auto reg = targets::load_registry(args.targets.config, args.targets.host);
  if (!reg) return report_error(reg.error());
  for (const auto& s : reg->services) fmt::print("{}\n", s.name);
  return kExitOk;
}

}  // namespace

void add_complete_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions&) {
  auto args = std::make_shared<CompleteArgs>();
  auto* cmd = app.add_subcommand("__complete", "Words for shell completion");
  cmd->group("");  // hidden
  cmd->add_option("WHAT", args->what, "services")->required();
  args->targets.add_to(*cmd, false);
  cmd->callback([args, &dispatch] { dispatch.run = [args] { return run_complete(*args); }; });
}

}  // namespace ncprof::app
