// ncprof traces FILE..., tags FILE..., peek RE FILE..., list RE FILE...:
// pprof's -traces, -tags, -peek and -list,
// byte for byte, with the base and selection options of top.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>

#include "commands/analysis.hpp"
#include "commands/commands.hpp"
#include "ncprof/profile/text_reports.hpp"

namespace ncprof::app {

namespace {

// Local Go sources for profiles recorded elsewhere: GOROOT's src, the
// usual Debian and upstream installs, the module cache.
std::vector<std::string> go_source_roots() {
  std::vector<std::string> roots;
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  if (!env("GOROOT").empty()) roots.push_back(env("GOROOT") + "/src");
  roots.push_back("/usr/lib/go/src");
  roots.push_back("/usr/local/go/src");
  if (!env("GOMODCACHE").empty()) {
    roots.push_back(env("GOMODCACHE"));
  } else if (!env("GOPATH").empty()) {
    roots.push_back(env("GOPATH") + "/pkg/mod");
  } else if (!env("HOME").empty()) {
    roots.push_back(env("HOME") + "/go/pkg/mod");
  }
  return roots;
}

using Renderer = std::function<Result<std::string>(const profile::Profile&, const profile::TopOptions&,
                                                   std::vector<std::string>* warnings)>;

struct TextReportArgs {
  std::vector<std::string> files;
  BaseFlags base;
  TopFlags flags;
};

int run_text_report(const TextReportArgs& args, const Renderer& render, const GlobalOptions& global) {
  auto opts = args.flags.options();
  if (!opts) return report_error(opts.error());
  auto dopts = decode_options(global);
  if (!dopts) return report_error(dopts.error());
  auto p = load_for_report(args.files, args.base, *dopts, &*opts);
  if (!p) return report_error(p.error());
  std::vector<std::string> warnings;
  auto text = render(*p, *opts, &warnings);
  for (const auto& w : warnings) warn(w);
  if (!text) {
    Error e = text.error();
    e.message = fmt::format("{}: {}", fmt::join(args.files, ", "), e.message);
    return report_error(e);
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return kExitOk;
}

// pattern: the report's own regexp before the files (peek's RE), or null;
// more: the report's own options.
void add_text_report(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global, const char* name,
                     const char* description, const char* footer, Renderer render,
                     std::shared_ptr<std::string> pattern = nullptr,
                     const std::function<void(CLI::App&)>& more = {}) {
  auto args = std::make_shared<TextReportArgs>();
  auto* cmd = app.add_subcommand(name, description);
  cmd->footer(footer);
  if (pattern) cmd->add_option("RE", *pattern, "Regular expression (Go's syntax) matching function names")->required();
  cmd->add_option("FILE", args->files, "Profile files (gzip or raw protobuf; several are merged)")->required();
  args->base.add_to(*cmd);
  args->flags.add_selection_to(*cmd);
  args->flags.add_value_options_to(*cmd);
  if (more) more(*cmd);
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
      [pattern](const profile::Profile& p, const profile::TopOptions& o, std::vector<std::string>* w) {
        return profile::render_peek(p, o, *pattern, w);
      },
      pattern);
}

void add_list_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  struct ListArgs {
    std::string pattern;
    profile::SourceOptions src;
  };
  auto largs = std::make_shared<ListArgs>();
  auto pattern = std::shared_ptr<std::string>(largs, &largs->pattern);
  add_text_report(
      app, dispatch, global, "list", "Print annotated source of matching functions, as go tool pprof -list",
      "Examples:\n  ncprof list 'main\\.retainBuffer' heap.pb.gz\n"
      "  ncprof list spinHash cpu.pb.gz --source-path ~/src/crawler --trim-path /build",
      [largs](const profile::Profile& p, const profile::TopOptions& o, std::vector<std::string>* w) {
        profile::SourceOptions src = largs->src;
        src.go_roots = go_source_roots();
        std::vector<std::string> missing;
        auto text = profile::render_list(p, o, largs->pattern, src, &missing, w);
        if (text && !missing.empty()) {
          warn(fmt::format("{} source file{} not found ({}); give --source-path or --trim-path", missing.size(),
                           missing.size() == 1 ? "" : "s", fmt::join(missing, ", ")));
        }
        return text;
      },
      pattern, [largs](CLI::App& cmd) {
        cmd.add_option("--source-path", largs->src.search_path,
                       "Where to look for sources, DIR[:DIR...] (default: the current directory and its parents)");
        cmd.add_option("--trim-path", largs->src.trim_path, "Prefixes to cut from recorded source paths, P[:P...]");
      });
}

void add_tags_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions& global) {
  add_text_report(app, dispatch, global, "tags",
                  "Print the label keys and values with their totals, as go tool pprof -tags",
                  "Examples:\n  ncprof tags cpu.pb.gz\n  ncprof tags heap.pb.gz --sample-index alloc_space",
                  profile::render_tags);
}

}  // namespace ncprof::app
