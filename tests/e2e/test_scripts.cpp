// The guide's scripts (profile.sh, compare-heap.sh, check-memory-leaks.sh,
// run-benchmarks.sh), now thin wrappers of ncprof, run with the guide's
// lines against fixture services. Intervals and durations are shortened
// where the guide's would make a test wait half an hour.
#include <filesystem>

#include <catch2/catch.hpp>

#include "support/scripts.hpp"

#include "e2e/fleet.hpp"

using namespace ncprof::test;
namespace fs = std::filesystem;

namespace {

const std::string kScripts = std::string(NCPROF_SOURCE_DIR) + "/scripts/";

RunResult script(const std::string& name, const std::vector<std::string>& args, const std::string& cwd,
                 const std::string& config) {
  return run_script(name, args, cwd, {{"NCPROF_CONFIG", config}});
}

}  // namespace

TEST_CASE("the guide's scripts: profile.sh, compare-heap.sh and check-memory-leaks.sh as the guide types them",
          "[scripts]") {
  GoServiceOptions crawler = named("crawler");
  crawler.leak_heap = 4 << 20;
  crawler.leak_goroutines = 5;
  auto fleet = Fleet::start({crawler, named("classifier")});
  const std::string cwd = temp_dir("ncprof-scripts");
  const std::string port = std::to_string(fleet.services[0].pprof_port);

  // ./scripts/profile.sh --all --type heap
  auto heap = script("profile.sh", {"--all", "--type", "heap"}, cwd, fleet.config);
  INFO(heap.out << heap.err);
  CHECK(heap.exit_code == 0);
  CHECK(files_in(cwd + "/profiles", "crawler_heap_") == 1);
  CHECK(files_in(cwd + "/profiles", "classifier_heap_") == 1);
  // ./scripts/profile.sh --all --type cpu --duration 60 (2 s here)
  auto cpu = script("profile.sh", {"--all", "--type", "cpu", "--duration", "2"}, cwd, fleet.config);
  INFO(cpu.out << cpu.err);
  CHECK(cpu.exit_code == 0);
  CHECK(files_in(cwd + "/profiles", "_cpu_") == 2);
  // ncprof's exit codes come through: a usage error is 2.
  CHECK(script("profile.sh", {"--all", "--type", "bogus"}, cwd, fleet.config).exit_code == 2);

  // ./scripts/compare-heap.sh crawler 6060 --interval 1800 (the fixture's port, 3 s)
  auto cmp = script("compare-heap.sh", {"crawler", port, "--interval", "3s"}, cwd, fleet.config);
  INFO(cmp.out << cmp.err);
  CHECK(cmp.exit_code == 1);
  CHECK(cmp.out.find("verdict: FAIL") != std::string::npos);

  // ./scripts/check-memory-leaks.sh crawler 6060 (short interval and count)
  auto leaks = script("check-memory-leaks.sh", {"crawler", port, "--interval", "1s", "--count", "8"}, cwd, fleet.config);
  INFO(leaks.out << leaks.err);
  CHECK(leaks.exit_code == 1);
  CHECK(leaks.out.find("LEAK") != std::string::npos);

  // Without ncprof anywhere, a clear message and exit 2.
  auto missing = run({kScripts + "profile.sh", "--all"}, {{"NCPROF", "/nonexistent/ncprof"}}, std::chrono::seconds(10), cwd);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("ncprof not found") != std::string::npos);
}

