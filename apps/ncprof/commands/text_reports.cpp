// ncprof traces FILE..., ncprof tags FILE..., ncprof peek RE FILE...:
// pprof's -traces, -tags and -peek,
// byte for byte, with the base and selection options of top.
#include <cstdio>
#include <functional>
#include <memory>

#include "commands/analysis.hpp"
#include "commands/commands.hpp"
#include "ncprof/profile/text_reports.hpp"

namespace ncprof::app {

namespace {

using Renderer = std::function<Result<std::string>(const profile::Profile&, const profile::TopOptions&)>;

struct TextReportArgs {
  std::vector<std::string> files;
  std::string base;
  std::string diff_base;
  TopFlags flags;
};

int run_text_report(const TextReportArgs& args, const Renderer& render, const GlobalOptions& global) {
  auto opts = args.flags.options();
  if (!opts) return report_error(opts.error());
  auto dopts = decode_options(global);
  if (!dopts) return report_error(dopts.error());
  auto p = load_for_report(args.files, args.base, args.diff_base, *dopts);
  if (!p) return report_error(p.error());
  auto text = render(*p, *opts);
  if (!text) {
    Error e = text.error();
    e.message = fmt::format("{}: {}", fmt::join(args.files, ", "), e.message);
    return report_error(e);
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return kExitOk;
}

// pattern: the report's own regexp before the files (peek's RE), or null.
void add_text_report(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global, const char* name,
                     const char* description, const char* footer, Renderer render,
                     std::shared_ptr<std::string> pattern = nullptr) {
  auto args = std::make_shared<TextReportArgs>();
  auto* cmd = app.add_subcommand(name, description);
  cmd->footer(footer);
  if (pattern) cmd->add_option("RE", *pattern, "Regular expression (Go's syntax) matching function names")->required();
  cmd->add_option("FILE", args->files, "Profile files (gzip or raw protobuf; several are merged)")->required();
  auto* base = cmd->add_option("--base", args->base, "Subtract this profile (pprof -base)");
  auto* diff = cmd->add_option("--diff-base", args->diff_base, "Compare against this profile (pprof -diff_base)");
  base->excludes(diff);
  args->flags.add_selection_to(*cmd);
  cmd->callback([args, render, &dispatch, &global] {
    dispatch.run = [args, render, &global] { return run_text_report(*args, render, global); };
  });
}

}  // namespace

void add_traces_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  add_text_report(app, dispatch, global, "traces",
                  "Print every sample's stack, labels and value, as go tool pprof -traces",
                  "Examples:\n  ncprof traces profiles/crawler_goroutine_20261126_101500.pb.gz\n"
                  "  ncprof traces cpu.pb.gz --focus main.handle",
                  profile::render_traces);
}

void add_peek_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  auto pattern = std::make_shared<std::string>();
  add_text_report(
      app, dispatch, global, "peek", "Print the callers and callees of matching functions, as go tool pprof -peek",
      "Examples:\n  ncprof peek 'main\\.handle' cpu.pb.gz\n  ncprof peek retainBuffer heap.pb.gz --sample-index alloc_space",
      [pattern](const profile::Profile& p, const profile::TopOptions& o) { return profile::render_peek(p, o, *pattern); },
      pattern);
}

void add_tags_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  add_text_report(app, dispatch, global, "tags",
                  "Print the label keys and values with their totals, as go tool pprof -tags",
                  "Examples:\n  ncprof tags cpu.pb.gz\n  ncprof tags heap.pb.gz --sample-index alloc_space",
                  profile::render_tags);
}

}  // namespace ncprof::app
