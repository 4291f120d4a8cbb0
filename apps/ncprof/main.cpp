// ncprof: profiling toolkit for fleets of Go services. main parses the
// command line, runs the one selected subcommand and returns its exit code.
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "cli.hpp"
#include "commands/commands.hpp"

int main(int argc, char** argv) {
  using namespace ncprof::app;
  CLI::App app{"ncprof: capture, analyse and compare pprof profiles of Go services", "ncprof"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ncprof ") + NCPROF_VERSION);
  GlobalOptions global;
  app.add_option("--max-decompressed", global.max_decompressed,
                 "Refuse profiles that inflate past this size (e.g. 512M, 1G)")
      ->capture_default_str();
  Dispatch dispatch;
  for (Registrar add : all_commands()) add(app, dispatch, global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    fmt::print(stderr, "ncprof: error: {} (see ncprof --help)\n", what);
    return kExitUsage;
  }
  try {
    return dispatch.run ? dispatch.run() : kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ncprof: error: internal: {}\n", e.what());
    return kExitUsage;
  }
}
