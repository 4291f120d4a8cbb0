// ncprof: profiling toolkit for fleets of Go services. main parses the
// command line, runs the one selected subcommand and returns its exit code.
#include <csignal>
#include <cstdio>
#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli.hpp"
#include "commands/commands.hpp"
#include "log.hpp"
#include "ncprof/util/files.hpp"

namespace {

using namespace ncprof::app;

// SIGINT/SIGTERM in a command that does not catch them: remove any
// temporary file being written, then die of the signal as before.
void on_fatal_signal(int sig) {
  ncprof::util::remove_temp_files();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::vector<std::string> subcommand_names(CLI::App& app) {
  std::vector<std::string> names;
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

std::vector<std::string> option_names(CLI::App& cmd) {
  std::vector<std::string> names;
  for (auto* app = &cmd; app != nullptr; app = app->get_parent()) {
    for (const auto* opt : app->get_options()) {
      for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
      for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    }
  }
  return names;
}

// The first argument that is not a global option: the subcommand's place.
int command_index(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--max-decompressed") {
      ++i;
      continue;
    }
    if (a.rfind("-", 0) == 0) continue;
    return i;
  }
  return 0;
}

// benchstat's own spellings of its flags (-row, -col, -alpha=0.01, ...),
// as users type them from benchstat's documentation: the words after
// "benchstat" that are one of its flags with one dash get two, and the
// value joins its flag (--filter=-goos:linux), since a value may start with
// a dash.
std::vector<std::string> with_benchstat_spellings(int argc, char** argv, int at) {
  static const std::vector<std::string> flags = {"alpha", "confidence", "format", "table", "row",
                                                 "col",   "ignore",     "filter"};
  std::vector<std::string> out(argv, argv + argc);
  if (at <= 0 || out[static_cast<std::size_t>(at)] != "benchstat") return out;
  for (std::size_t i = static_cast<std::size_t>(at) + 1; i < out.size(); ++i) {
    const std::string a = out[i];
    if (a == "--") break;
    if (a.size() < 2 || a[0] != '-') continue;
    const std::size_t dashes = a[1] == '-' ? 2 : 1;
    const std::string name = a.substr(dashes, a.find('=') - dashes);
    if (std::find(flags.begin(), flags.end(), name) == flags.end()) continue;
    out[i] = "--" + a.substr(dashes);
    // The value, which may itself start with "-" (-filter -goos:linux).
    if (a.find('=') == std::string::npos && i + 1 < out.size()) {
      out[i] += "=" + out[i + 1];
      out.erase(out.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
  }
  return out;
}

// A parse error as one line, with a suggestion where a word looks like a
// typo, pointing at the right --help.
int usage_error(CLI::App& app, const CLI::ParseError& e) {
  CLI::App* cmd = &app;
  for (auto* sub : app.get_subcommands()) cmd = sub;
  const std::string help = cmd == &app ? "ncprof --help" : "ncprof " + cmd->get_name() + " --help";
  std::string hint;
  auto extras = cmd->remaining();
  for (const auto& x : app.remaining()) extras.push_back(x);  // options a subcommand passed up
  for (const auto& extra : extras) {
    if (extra.rfind("-", 0) != 0) continue;
    const std::string flag = extra.substr(0, extra.find('='));
    if (auto near = nearest(flag, option_names(*cmd)); !near.empty()) {
      hint = fmt::format("unknown option {} (did you mean {}?)", flag, near);
    } else {
      hint = fmt::format("unknown option {}", flag);
    }
    break;
  }
  fmt::print(stderr, "ncprof: error: {} (see {})\n", hint.empty() ? std::string(e.what()) : hint, help);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, on_fatal_signal);
  std::signal(SIGTERM, on_fatal_signal);
  CLI::App app{"ncprof: capture, analyse and compare pprof profiles of Go services", "ncprof"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ncprof ") + NCPROF_VERSION);
  app.footer(
      "Examples:\n"
      "  ncprof capture --all --type heap\n"
      "  ncprof health --all\n"
      "  ncprof top profiles/crawler_heap_20261126_101500.pb.gz\n"
      "  ncprof compare-heap crawler 6060 --interval 1800\n"
      "  ncprof leak-check --all\n"
      "Run 'ncprof help COMMAND' or 'ncprof COMMAND --help' for a command's options.");
  GlobalOptions global;
  app.add_option("--max-decompressed", global.max_decompressed,
                 "Refuse profiles that inflate past this size (e.g. 512M, 1G)")
      ->capture_default_str();
  app.add_flag("-v,--verbose", global.verbose, "Say every request (URL, status, bytes, time, attempt), file and config");
  app.add_flag("-q,--quiet", global.quiet, "Errors only on stderr");
  Dispatch dispatch;
  for (Registrar add : all_commands()) add(app, dispatch, global);
  // Global options work after the subcommand too.
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) sub->fallthrough();

  // "ncprof" alone and "ncprof help [COMMAND]" show help; an unknown
  // command gets a suggestion.
  const int at = command_index(argc, argv);
  if (argc == 1) {
    fmt::print("{}", app.help());
    return kExitOk;
  }
  if (at > 0) {
    const std::string word = argv[at];
    const auto names = subcommand_names(app);
    if (word == "help") {
      if (at + 1 >= argc) {
        fmt::print("{}", app.help());
        return kExitOk;
      }
      try {
        fmt::print("{}", app.get_subcommand(argv[at + 1])->help());
        return kExitOk;
      } catch (const CLI::OptionNotFound&) {
        auto near = nearest(argv[at + 1], names);
        fmt::print(stderr, "ncprof: error: unknown command '{}'{} (see ncprof --help)\n", argv[at + 1],
                   near.empty() ? "" : " (did you mean " + near + "?)");
        return kExitUsage;
      }
    }
    if (std::find(names.begin(), names.end(), word) == names.end()) {
      auto near = nearest(word, names);
      fmt::print(stderr, "ncprof: error: unknown command '{}'{} (see ncprof --help)\n", word,
                 near.empty() ? "" : " (did you mean " + near + "?)");
      return kExitUsage;
    }
  }
  auto words = with_benchstat_spellings(argc, argv, at);
  std::vector<char*> word_ptrs;
  for (auto& w : words) word_ptrs.push_back(w.data());
  try {
    app.parse(static_cast<int>(word_ptrs.size()), word_ptrs.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e);
  }
  setup_logging(global.verbose, global.quiet);
  try {
    return dispatch.run ? dispatch.run() : kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ncprof: error: internal: {} (a bug: please report it)\n", e.what());
    return kExitInternal;
  }
}
