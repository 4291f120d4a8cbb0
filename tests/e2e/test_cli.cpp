// The command line as a new user meets it: help, typos, ranges, pipes.
#include <algorithm>
#include <filesystem>

#include <catch2/catch.hpp>

#include "e2e/fleet.hpp"

using namespace ncprof::test;
namespace fs = std::filesystem;

namespace {
std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }
}  // namespace

TEST_CASE("help: bare ncprof, ncprof help CMD, suggestions for typos", "[cli]") {
  auto bare = run_ncprof({});
  CHECK(bare.exit_code == 0);
  CHECK(bare.out.find("Subcommands:") != std::string::npos);
  auto help = run_ncprof({"help", "capture"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--type") != std::string::npos);
  auto typo = run_ncprof({"captrue", "--all"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err == "ncprof: error: unknown command 'captrue' (did you mean capture?) (see ncprof --help)\n");
  auto flag = run_ncprof({"--frobnicate"});
  CHECK(flag.exit_code == 2);
  CHECK(flag.err.find("unknown option --frobnicate") != std::string::npos);
  auto sub_flag = run_ncprof({"capture", "--tyep", "heap"});
  CHECK(sub_flag.exit_code == 2);
  CHECK(sub_flag.err.find("did you mean --type?") != std::string::npos);
  CHECK(sub_flag.err.find("see ncprof capture --help") != std::string::npos);
  CHECK(lines(sub_flag.err) == 1);
  auto help_typo = run_ncprof({"help", "compare-hep"});
  CHECK(help_typo.exit_code == 2);
  CHECK(help_typo.err.find("did you mean compare-heap?") != std::string::npos);
}

TEST_CASE("numbers out of range are said in words, bad ports are bad ports", "[cli]") {
  auto conc = run_ncprof({"capture", "127.0.0.1:1", "--concurrency", "0"});
  CHECK(conc.exit_code == 2);
  CHECK(conc.err.find("--concurrency: must be 1 or more (got 0)") != std::string::npos);
  CHECK(conc.err.find("179769") == std::string::npos);
  auto node = run_ncprof({"top", "x.pb.gz", "--nodecount", "-1"});
  CHECK(node.exit_code == 2);
  CHECK(node.err.find("--nodecount: must be 0 or more (got -1)") != std::string::npos);
  auto frames = run_ncprof({"goroutines", "x.txt", "--frames", "-2"});
  CHECK(frames.exit_code == 2);
  auto port = run_ncprof({"capture", "crawler", "99999"});
  CHECK(port.exit_code == 2);
  CHECK(port.err.find("'99999' is not a valid port") != std::string::npos);
  auto size = run_ncprof({"capture", "127.0.0.1:1", "--max-bytes", "17179869184G"});
  CHECK(size.exit_code == 2);
  CHECK(size.err.find("too large") != std::string::npos);
  // Global options after the command too.
  auto global = run_ncprof({"top", "x.pb.gz", "--max-decompressed", "1M"});
  CHECK(global.exit_code == 2);
  CHECK(global.err.find("x.pb.gz") != std::string::npos);  // got as far as reading the file
}

TEST_CASE("profiles and dumps from pipes and standard input", "[cli]") {
  auto fleet = Fleet::start({named("crawler")});
  const auto& s = fleet.services[0];
  const std::string heap = fleet.dir + "/heap.pb.gz";
  write_file(heap, http_get(s.pprof_port, "/debug/pprof/heap").body);
  write_file(fleet.dir + "/g.txt", http_get(s.pprof_port, "/debug/pprof/goroutine?debug=1").body);
  auto direct = run_ncprof({"top", heap});
  REQUIRE(direct.exit_code == 0);
  auto shell = [&](const std::string& cmd) { return run({"/bin/sh", "-c", cmd}); };
  const std::string bin = ncprof_bin();
  auto dash = shell("cat '" + heap + "' | '" + bin + "' top -");
  CHECK(dash.exit_code == 0);
  CHECK(dash.out.substr(dash.out.find("Showing")) == direct.out.substr(direct.out.find("Showing")));
  auto dev = shell("cat '" + heap + "' | '" + bin + "' top /dev/stdin");
  CHECK(dev.exit_code == 0);
  CHECK(dev.out.find("Showing nodes") != std::string::npos);
  auto gor = shell("cat '" + fleet.dir + "/g.txt' | '" + bin + "' goroutines - --format json");
  INFO(gor.err);
  CHECK(gor.exit_code == 0);
  CHECK(gor.out.find("\"debug=1\"") != std::string::npos);
  // JSON names the base a table was taken against.
  auto based = run_ncprof({"top", heap, "--diff-base", heap, "--format", "json"});
  CHECK(based.exit_code == 0);
  CHECK(based.out.find("\"diff_base\": \"" + heap + "\"") != std::string::npos);
  auto diffed = run_ncprof({"diff", heap, heap, "--format", "json"});
  CHECK(diffed.out.find("\"base\": \"" + heap + "\"") != std::string::npos);
  auto refused = run_ncprof({"diff", heap, heap, "-o", fleet.dir + "/d.pb.gz", "--focus", "main"});
  CHECK(refused.exit_code == 2);
  CHECK(!fs::exists(fleet.dir + "/d.pb.gz"));
  auto garbage = shell("echo nonsense | '" + bin + "' top -");
  CHECK(garbage.exit_code == 2);
  CHECK(lines(garbage.err) == 1);
}

TEST_CASE("an output file in a missing directory is refused, nothing is created", "[cli]") {
  auto fleet = Fleet::start({named("crawler")});
  const std::string heap = fleet.dir + "/heap.pb.gz";
  write_file(heap, http_get(fleet.services[0].pprof_port, "/debug/pprof/heap").body);
  const std::string missing = fleet.dir + "/nonexistent/dir";
  auto r = run_ncprof({"merge", heap, heap, "-o", missing + "/m.pb.gz"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(missing) != std::string::npos);
  CHECK(!fs::exists(fleet.dir + "/nonexistent"));
}

TEST_CASE("capture options are validated per type before any request", "[cli]") {
  const std::string target = "127.0.0.1:" + std::to_string(free_port());
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--type", "cpu", "--duration", "10ms"},
           {"--type", "cpu", "--duration", "1.5"},
           {"--type", "cpu", "--debug", "1"},
           {"--type", "heap", "--debug", "7"},
           {"--type", "heap", "--debug", "-1"},
           {"--type", "goroutine", "--debug", "3"},
           {"--type", "heap", "--delta", "500ms"},
           {"--type", "heap", "--max-bytes", "0"},
           {"--type", "heap", "--timeout", "0"}}) {
    std::vector<std::string> argv = {"capture", target};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_ncprof(argv);
    INFO(args[1] << " " << args[2] << " " << args[3] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
  }
  // Options that do not apply are ignored with a warning, not silently.
  auto ignored = run_ncprof({"capture", target, "--type", "heap", "--duration", "60", "--gc", "--timeout", "1s"});
  CHECK(ignored.exit_code == 3);  // nobody listens: the request was made
  CHECK(ignored.err.find("warning: --duration applies to cpu and trace") != std::string::npos);
  auto gc = run_ncprof({"capture", target, "--type", "cpu", "--duration", "1", "--gc", "--timeout", "1s"});
  CHECK(gc.err.find("warning: --gc applies to heap") != std::string::npos);
}

TEST_CASE("verbose says every request, file and config, never a secret, quiet leaves errors only", "[cli][log]") {
  auto fleet = Fleet::start({named("crawler")});
  const std::string cfg = fleet.dir + "/secret.yaml";
  write_file(cfg, "replace: true\nservices:\n  crawler:\n    pprof: " + fleet.services[0].pprof_target() +
                      "\n    headers:\n      X-Api-Key: \"${NCPROF_TEST_SECRET}\"\n");
  auto v = run_ncprof({"capture", "crawler", "--config", cfg, "--out", fleet.dir + "/p", "-v"},
                      {{"NCPROF_TEST_SECRET", "hunter2-secret"}});
  INFO(v.err);
  REQUIRE(v.exit_code == 0);
  CHECK(v.err.find("config: " + cfg) != std::string::npos);
  CHECK(v.err.find("GET http://" + fleet.services[0].pprof_target() + "/debug/pprof/heap -> HTTP 200, ") !=
        std::string::npos);
  CHECK(v.err.find("attempt 1") != std::string::npos);
  CHECK(v.err.find("wrote " + fleet.dir + "/p/crawler_heap_") != std::string::npos);
  CHECK(v.err.find("hunter2") == std::string::npos);
  CHECK(v.out.find("hunter2") == std::string::npos);
  // Without -v none of it.
  auto plain = run_ncprof({"capture", "crawler", "--config", cfg, "--out", fleet.dir + "/p"},
                          {{"NCPROF_TEST_SECRET", "hunter2-secret"}});
  CHECK(plain.err.find("GET ") == std::string::npos);
  // -q: no warning, no progress; the result still on stdout.
  auto q = run_ncprof({"-q", "capture", "crawler", "--config", cfg, "--type", "heap", "--duration", "5", "--out",
                       fleet.dir + "/p"},
                      {{"NCPROF_TEST_SECRET", "hunter2-secret"}});
  CHECK(q.exit_code == 0);
  CHECK(q.err.empty());
  CHECK(q.out.find("1 captured") != std::string::npos);
  auto loud = run_ncprof({"capture", "crawler", "--config", cfg, "--type", "heap", "--duration", "5", "--out",
                          fleet.dir + "/p"},
                         {{"NCPROF_TEST_SECRET", "hunter2-secret"}});
  CHECK(loud.err.find("warning") != std::string::npos);
  // Errors stay under -q.
  auto err = run_ncprof({"top", fleet.dir + "/none.pb.gz", "--quiet"});
  CHECK(err.exit_code == 2);
  CHECK(err.err.find("none.pb.gz") != std::string::npos);
}

TEST_CASE("size options cannot wrap around", "[cli]") {
  auto r = run_ncprof({"top", "x.pb.gz", "--max-decompressed", "18446744073709551615"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("too large") != std::string::npos);
  CHECK(lines(r.err) == 1);
}
