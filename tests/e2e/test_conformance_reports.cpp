// ncprof traces, tags and peek against go tool pprof -traces, -tags and
// -peek: the same files and options, the output compared byte for byte.
#include <algorithm>

#include <catch2/catch.hpp>

#include "e2e/conformance.hpp"
#include "ncprof/profile/codec.hpp"
#include "support/builder.hpp"

using namespace ncprof::test;

namespace {

// top's option sets that select samples and frames (not top's own
// ordering and trimming).
std::vector<OptionSet> selection_sets() {
  std::vector<OptionSet> out;
  for (const auto& set : option_sets()) {
    bool top_only = false;
    for (const auto& a : set.nc) top_only = top_only || a == "--cum" || a == "--nodecount" || a == "--no-trim" || a == "--nodefraction";
    if (!top_only) out.push_back(set);
  }
  return out;
}

// Reports compared that printed something beyond a header: a guard
// against comparing nothing.
int non_empty = 0;

// pprof orders a node's call edges by |weight|, then by name, except that
// two edges of equal |weight| and opposite signs (1 and -1, in a --base
// difference) compare as equal and keep Go's map order, which varies from
// run to run. Runs of such edge lines are put in name order on both sides.
std::string canonical_edges(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  while (from < text.size()) {
    auto nl = text.find('\n', from);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(from, nl - from));
    from = nl + 1;
  }
  auto edge_weight = [](const std::string& l) -> std::string {
    // "<50 columns: weight> <pct> |   <name>"
    if (l.size() < 55 || l.compare(0, 10, "          ") != 0 || l.find(" |   ") == std::string::npos) return "";
    std::string w = l.substr(0, 50);
    w.erase(0, w.find_first_not_of(' '));
    if (!w.empty() && w[0] == '-') w.erase(0, 1);
    return w;
  };
  for (std::size_t i = 0; i < lines.size();) {
    const std::string w = edge_weight(lines[i]);
    std::size_t j = i + 1;
    while (!w.empty() && j < lines.size() && edge_weight(lines[j]) == w) ++j;
    auto name = [](const std::string& l) { return l.substr(l.find(" |   ")); };
    std::sort(lines.begin() + static_cast<std::ptrdiff_t>(i), lines.begin() + static_cast<std::ptrdiff_t>(j),
              [&](const std::string& a, const std::string& b) { return name(a) < name(b); });
    i = j;
  }
  std::string out;
  for (const auto& l : lines) out += l + '\n';
  return out;
}

// report: "traces", "tags", or "peek=RE" / "list=RE" (ncprof peek RE).
RunResult ncprof_for(const std::string& report, const std::vector<std::string>& opts,
                     const std::vector<std::string>& files) {
  const auto eq = report.find('=');
  if (eq == std::string::npos) return ncprof_report(report, opts, files);
  std::vector<std::string> args = {report.substr(0, eq), report.substr(eq + 1)};
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), opts.begin(), opts.end());
  return run_ncprof(args, {{"TZ", "UTC"}});
}

void compare(const std::string& report, const std::vector<std::string>& files, const std::vector<std::string>& go_extra = {},
             const std::vector<std::string>& nc_extra = {}, const std::vector<OptionSet>& sets = selection_sets()) {
  for (const auto& set : sets) {
    auto go_opts = set.go;
    go_opts.insert(go_opts.end(), go_extra.begin(), go_extra.end());
    auto nc_opts = set.nc;
    nc_opts.insert(nc_opts.end(), nc_extra.begin(), nc_extra.end());
    auto go = go_pprof(report, go_opts, files);
    auto nc = ncprof_for(report, nc_opts, files);
    std::string args;
    for (const auto& a : nc_opts) args += a + " ";
    INFO(report << " " << files[0] << (files.size() > 1 ? " ..." : "") << "  options: " << args);
    INFO("go stderr: " << go.err << "ncprof stderr: " << nc.err);
    if (report.find('=') != std::string::npos && go.exit_code != 0) {
      // No function matched after the filters: pprof fails, ncprof too.
      CHECK(nc.exit_code == 2);
      CHECK(nc.err.find("no matches found for regexp") != std::string::npos);
      continue;
    }
    REQUIRE(go.exit_code == 0);
    REQUIRE(nc.exit_code == 0);
    if (report.rfind("peek", 0) == 0) {
      CHECK(canonical_edges(nc.out) == canonical_edges(go.out));
    } else {
      CHECK(nc.out == go.out);
    }
    const char* mark = report == "tags" ? "Total" : report.rfind("list", 0) == 0 ? "ROUTINE" : "-----------+";
    non_empty += go.out.find(mark) != std::string::npos && go.out.size() > 200;
  }
}

}  // namespace

// Two tests per report (they run side by side; each is many runs of both
// tools, slow under the sanitizers): the large synthetic profile (most of
// the time) in one, the Go runtime's captures in the other, each with
// every selection option set.
void compare_test_data(const std::string& report, int half, int at_least) {
  auto files = profile_files(test_data_dir());
  REQUIRE(files.size() >= 11);
  non_empty = 0;
  int compared = 0;
  for (const auto& f : files) {
    const bool synthetic = f.find("synthetic") != std::string::npos;
    if (synthetic != (half == 0)) continue;
    compare(report, {f});
    ++compared;
  }
  CHECK(compared >= (half == 0 ? 1 : 10));
  if (at_least > 0) CHECK(non_empty >= at_least);  // (the synthetic profile has no sources to list)
}

TEST_CASE("test data (the synthetic profile): ncprof traces equals go tool pprof -traces", "[conformance][traces]") {
  compare_test_data("traces", 0, 15);
}

TEST_CASE("test data (the Go runtime's captures): ncprof traces equals go tool pprof -traces", "[conformance][traces]") {
  compare_test_data("traces", 1, 100);
}

TEST_CASE("test data (the synthetic profile): ncprof tags equals go tool pprof -tags (numeric and string labels)", "[conformance][traces]") {
  compare_test_data("tags", 0, 10);
}

TEST_CASE("test data (the Go runtime's captures): ncprof tags equals go tool pprof -tags (numeric and string labels)", "[conformance][traces]") {
  compare_test_data("tags", 1, 15);
}

TEST_CASE("test data (the synthetic profile): ncprof peek equals go tool pprof -peek", "[conformance][traces]") {
  // A tenth of its packages: peek=. prints 113,000 lines per run, which
  // the sanitizer build takes minutes over.
  compare_test_data("peek=pkg4[0-9]\\.", 0, 12);
}

TEST_CASE("test data (the Go runtime's captures): ncprof peek equals go tool pprof -peek", "[conformance][traces]") {
  compare_test_data("peek=.", 1, 100);
}

TEST_CASE("test data (the synthetic profile): ncprof list equals go tool pprof -list", "[conformance][traces]") {
  compare_test_data("list=main\\.", 0, 0);
}

TEST_CASE("test data (the Go runtime's captures): ncprof list equals go tool pprof -list", "[conformance][traces]") {
  compare_test_data("list=main\\.", 1, 70);
}

TEST_CASE("an external corpus (when there is one) adds traces/tags/peek/list cases", "[conformance][traces]") {
  // Breadth of inputs, with pprof's default options only: the option sets
  // are covered on the test data, and the corpus's size is not ours to
  // choose (its 1.2 MB CPU profile takes four minutes over every set).
  auto files = profile_files(extra_corpus_dir());
  INFO("external corpus: " << (extra_corpus_dir().empty() ? "none" : extra_corpus_dir()));
  const std::vector<OptionSet> defaults = {selection_sets().front()};
  for (const char* report : {"traces", "tags", "peek=.", "list=main\\."}) {
    for (const auto& f : files) compare(report, {f}, {}, {}, defaults);
  }
  SUCCEED(files.size() << " external profiles compared");
}

TEST_CASE("traces, tags and peek: sample indexes, -base, -diff_base and merged inputs", "[conformance][traces]") {
  const std::string rt = test_data_dir() + "/go-runtime/";
  for (const char* report : {"traces", "tags", "peek=main|runtime\\.m", "list=runtime\\.(main|mcall)$"}) {
    for (const char* si : {"alloc_space", "inuse_objects"}) {
      auto go = go_pprof(report, {std::string("-sample_index=") + si}, {rt + "heap-2.pprof"});
      auto nc = ncprof_for(report, {"--sample-index", si}, {rt + "heap-2.pprof"});
      INFO(report << " " << si);
      CHECK(nc.out == go.out);
    }
    compare(report, {rt + "heap-2.pprof"}, {"-base=" + rt + "heap-1.pprof"}, {"--base", rt + "heap-1.pprof"});
    compare(report, {rt + "heap-2.pprof"}, {"-diff_base=" + rt + "heap-1.pprof"}, {"--diff-base", rt + "heap-1.pprof"});
    compare(report, {rt + "goroutine-1.pprof", rt + "goroutine-2.pprof"});
  }
}

TEST_CASE("traces, tags, peek and list: -drop_negative and -normalize against a base", "[conformance][traces]") {
  const std::string rt = test_data_dir() + "/go-runtime/";
  for (const char* report : {"traces", "tags", "peek=.", "list=."}) {
    compare(report, {rt + "goroutine-2.pprof"}, {"-base=" + rt + "goroutine-1.pprof", "-drop_negative"},
            {"--base", rt + "goroutine-1.pprof", "--drop-negative"});
    compare(report, {rt + "heap-2.pprof"}, {"-base=" + rt + "heap-1.pprof", "-normalize"},
            {"--base", rt + "heap-1.pprof", "--normalize"});
    compare(report, {rt + "goroutine-2.pprof"}, {"-diff_base=" + rt + "goroutine-1.pprof", "-normalize"},
            {"--diff-base", rt + "goroutine-1.pprof", "--normalize"});
  }
}

TEST_CASE("traces, tags and peek: labels of every kind, inlined calls, as pprof reads them", "[conformance][traces]") {
  // String labels with several values per key, numeric labels with and
  // without units (bytes, request, a key of its own), inlined frames.
  using ncprof::profile::Label;
  auto p = ProfileBuilder::cpu()
               .sample({"main.leaf>main.inlined", "main.main"}, {3, 300},
                       {{"handler", "/b", 0, ""}, {"handler", "/a", 0, ""}, {"user", "ünïcode", 0, ""}})
               .sample({"main.other", "main.main"}, {1, 100},
                       {{"request", "", 2048, ""}, {"wait", "", 7, "seconds"}, {"count", "", 12, ""}})
               .sample({"main.other", "main.main"}, {2, 200}, {{"request", "", 4096, ""}, {"handler", "/a", 0, ""}})
               .sample({"main.main"}, {1, -50}, {})
               .build();
  const std::string dir = temp_dir("ncprof-traces");
  const std::string file = dir + "/labels.pb.gz";
  write_file(file, ncprof::profile::encode_profile(p));
  non_empty = 0;
  for (const char* report : {"traces", "tags", "peek=main"}) {
    compare(report, {file});
    auto go = go_pprof(report, {"-sample_index=0"}, {file, file});
    auto nc = ncprof_for(report, {"--sample-index", "0"}, {file, file});
    CHECK(nc.out == go.out);
  }
  CHECK(non_empty >= 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("traces, tags, peek and export: bad input is exit 2 naming the file", "[traces][errors]") {
  const std::string dir = temp_dir("ncprof-traces");
  write_file(dir + "/bad.pb.gz", "not a profile at all");
  for (const std::vector<std::string>& report :
       std::vector<std::vector<std::string>>{{"traces"}, {"tags"}, {"peek", "main"}, {"list", "main"}, {"export"}}) {
    std::vector<std::string> argv = report;
    argv.push_back(dir + "/bad.pb.gz");
    auto r = run_ncprof(argv);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("ncprof: error: " + dir + "/bad.pb.gz") == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
    argv.back() = test_data_dir() + "/go-runtime/cpu.pprof";
    argv.insert(argv.end(), {"--sample-index", "nope"});
    auto s = run_ncprof(argv);
    CHECK(s.exit_code == 2);
    CHECK(s.err.find("sample index 'nope'") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("list finds sources as pprof does, and Go sources recorded elsewhere under the local GOROOT", "[conformance][list]") {
  const std::string cpu = test_data_dir() + "/go-runtime/cpu.pprof";
  // The fixture's source in this repository, wherever the profile was
  // built: pprof's heuristic strips the path up to the search directory's
  // own name.
  const std::string src = std::string(NCPROF_SOURCE_DIR) + "/tests/fixtures/goservice";
  auto go = go_pprof("list=main\\.burnLoop", {"-source_path=" + src}, {cpu});
  auto nc = run_ncprof({"list", "main\\.burnLoop", cpu, "--source-path", src}, {{"TZ", "UTC"}});
  REQUIRE(go.exit_code == 0);
  REQUIRE(nc.exit_code == 0);
  CHECK(nc.out == go.out);
  CHECK(nc.out.find("spinHash(") != std::string::npos);
  CHECK(nc.err.empty());
  // A runtime file recorded under another Go installation: pprof cannot
  // open it; ncprof reads it from the local GOROOT and says nothing is missing.
  auto goroot = run({go_bin(), "env", "GOROOT"});
  REQUIRE(goroot.exit_code == 0);
  std::string root = goroot.out.substr(0, goroot.out.find('\n'));
  auto p = ncprof::profile::read_profile(test_data_dir() + "/go-runtime/heap-1.pprof");
  REQUIRE(p);
  int moved = 0;
  for (auto& f : p->functions) {
    if (f.filename.rfind(root + "/src/", 0) == 0) {
      f.filename = "/opt/elsewhere/go" + f.filename.substr(root.size());
      ++moved;
    } else if (f.name.rfind("main.", 0) == 0) {
      f.filename = "/nowhere/app/main.go";  // a source this machine does not have
    }
  }
  REQUIRE(moved > 0);
  const std::string dir = temp_dir("ncprof-list");
  write_file(dir + "/moved.pb.gz", ncprof::profile::encode_profile(*p));
  auto theirs = go_pprof("list=runtime\\.main$", {}, {dir + "/moved.pb.gz"});
  CHECK(theirs.out.find("Error: open /opt/elsewhere/go/src/runtime/proc.go: no such file or directory") !=
        std::string::npos);
  auto ours = run_ncprof({"list", "runtime\\.main$", dir + "/moved.pb.gz"}, {{"GOROOT", root}});
  REQUIRE(ours.exit_code == 0);
  CHECK(ours.out.find("Error:") == std::string::npos);
  CHECK(ours.out.find("main_init_done = make(chan bool)") != std::string::npos);
  // A file found nowhere: pprof's error line, and one warning naming it.
  auto lost = run_ncprof({"list", "main\\.", dir + "/moved.pb.gz", "--source-path", dir}, {{"GOROOT", root}});
  REQUIRE(lost.exit_code == 0);
  CHECK(lost.out.find(" Error: ") != std::string::npos);
  CHECK(lost.err.find("ncprof: warning: ") == 0);
  CHECK(lost.err.find("1 source file not found (/nowhere/app/main.go)") != std::string::npos);
  std::filesystem::remove_all(dir);
}
