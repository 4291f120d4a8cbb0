#pragma once
// Runs `go tool pprof -top` (or another report) and `ncprof top` on the
// same input and options.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "support/fixture.hpp"

namespace ncprof::test {

struct OptionSet {
  std::vector<std::string> go;
  std::vector<std::string> nc;
};

inline const std::vector<OptionSet>& option_sets() {
  static const std::vector<OptionSet> sets = {
      {{}, {}},
      {{"-sample_index=0"}, {"--sample-index", "0"}},
      {{"-cum"}, {"--cum"}},
      {{"-nodecount=7"}, {"--nodecount", "7"}},
      {{"-focus=runtime"}, {"--focus", "runtime"}},
      {{"-ignore=runtime"}, {"--ignore", "runtime"}},
      {{"-hide=runtime\\.(gopark|mcall)"}, {"--hide", "runtime\\.(gopark|mcall)"}},
      {{"-show=main|net"}, {"--show", "main|net"}},
      {{"-lines"}, {"--granularity", "lines"}},
      {{"-files"}, {"--granularity", "files"}},
      {{"-addresses"}, {"--granularity", "addresses"}},
      {{"-nodefraction=0", "-edgefraction=0"}, {"--no-trim"}},
      // Tag filters: numeric ranges (heap profiles' bytes), key=RE lists
      // (the synthetic profile's handler), label keys hidden.
      {{"-tagfocus=bytes=1kb:"}, {"--tagfocus", "bytes=1kb:"}},
      {{"-tagignore=:512"}, {"--tagignore", ":512"}},
      {{"-tagfocus=handler=endpoint4,endpoint2"}, {"--tagfocus", "handler=endpoint4,endpoint2"}},
      {{"-tagfocus=endpoint1"}, {"--tagfocus", "endpoint1"}},
      {{"-taghide=bytes"}, {"--taghide", "bytes"}},
      {{"-unit=kB"}, {"--unit", "kB"}},
      {{"-unit=auto"}, {"--unit", "auto"}},
      {{"-nodefraction=0.05"}, {"--nodefraction", "0.05"}},
      // Values per sample count; stacks cut above and beneath a frame.
      {{"-mean"}, {"--mean"}},
      {{"-show_from=main\\."}, {"--show-from", "main\\."}},
      {{"-prune_from=runtime\\.(gopark|mallocgc)|main\\.leaf"}, {"--prune-from", "runtime\\.(gopark|mallocgc)|main\\.leaf"}},
  };
  return sets;
}

// The profiles under dir (the repository's test data, or an external
// corpus when there is one), recursively.
inline std::vector<std::string> profile_files(const std::string& dir) {
  std::vector<std::string> files;
  if (dir.empty()) return files;
  for (const auto& f : list_dir(dir)) {
    if (std::filesystem::is_directory(f)) {
      auto sub = profile_files(f);
      files.insert(files.end(), sub.begin(), sub.end());
    } else if (f.ends_with(".pprof") || f.ends_with(".pb.gz")) {
      files.push_back(f);
    }
  }
  return files;
}

// go tool pprof -REPORT (top, traces, tags, ...) and ncprof REPORT.
// go tool pprof's answers, kept in $NCPROF_TEST_PPROF_CACHE when set
// (scripts/test.sh sets it): the sanitizer pass compares its ncprof with
// the very outputs the first pass got from pprof for the same arguments,
// working directory and file contents, instead of running pprof (not
// sanitized, and most of those tests' time) again.
inline std::string pprof_cache_key(const std::vector<std::string>& argv, const std::vector<std::string>& files) {
  // The working directory too: -list looks for sources from it, and says so.
  std::string key = std::filesystem::current_path().string() + '\0';
  for (const auto& a : argv) key += a + '\0';
  for (const auto& f : files) key += std::to_string(std::hash<std::string>{}(read_file(f))) + '\0';
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>{}(key));
  return hex;
}

inline RunResult go_pprof(const std::string& report, const std::vector<std::string>& opts,
                          const std::vector<std::string>& files) {
  std::vector<std::string> argv = {go_bin(), "tool", "pprof", "-" + report};
  argv.insert(argv.end(), opts.begin(), opts.end());
  argv.insert(argv.end(), files.begin(), files.end());
  const char* cache = std::getenv("NCPROF_TEST_PPROF_CACHE");
  if (!cache || !*cache) return run(argv, {{"TZ", "UTC"}});
  const std::string path = std::string(cache) + "/" + pprof_cache_key(argv, files);
  if (file_exists(path)) {
    // "exit\nerr-size\nERR OUT"
    const std::string kept = read_file(path);
    RunResult r;
    std::size_t a = kept.find('\n'), b = kept.find('\n', a + 1);
    r.exit_code = std::stoi(kept.substr(0, a));
    const std::size_t n = std::stoul(kept.substr(a + 1, b - a - 1));
    r.err = kept.substr(b + 1, n);
    r.out = kept.substr(b + 1 + n);
    return r;
  }
  RunResult r = run(argv, {{"TZ", "UTC"}});
  std::filesystem::create_directories(cache);
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  write_file(tmp, std::to_string(r.exit_code) + "\n" + std::to_string(r.err.size()) + "\n" + r.err + r.out);
  std::filesystem::rename(tmp, path);
  return r;
}

inline RunResult ncprof_report(const std::string& report, const std::vector<std::string>& opts,
                               const std::vector<std::string>& files) {
  std::vector<std::string> args = {report};
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), opts.begin(), opts.end());
  return run_ncprof(args, {{"TZ", "UTC"}});
}

inline RunResult go_pprof_top(const std::vector<std::string>& opts, const std::vector<std::string>& files) {
  return go_pprof("top", opts, files);
}

inline RunResult ncprof_top(const std::vector<std::string>& opts, const std::vector<std::string>& files) {
  return ncprof_report("top", opts, files);
}

// The table rows: every line after the "flat  flat%" header.
inline std::vector<std::string> table_rows(const std::string& out) {
  std::vector<std::string> rows;
  bool in_table = false;
  std::size_t pos = 0;
  while (pos < out.size()) {
    std::size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    std::string line = out.substr(pos, nl - pos);
    if (in_table) rows.push_back(line);
    if (line.find("flat  flat%   sum%") != std::string::npos) in_table = true;
    pos = nl + 1;
  }
  return rows;
}

}  // namespace ncprof::test
