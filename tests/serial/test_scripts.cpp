// The guide's run-benchmarks.sh, now a thin wrapper of ncprof bench --all,
// run with the guide's lines over the benchmark fixture (the capture and
// leak scripts are tested in e2e/test_scripts.cpp).
#include <filesystem>

#include <catch2/catch.hpp>

#include "support/scripts.hpp"

#include "support/fixture.hpp"

using namespace ncprof::test;
namespace fs = std::filesystem;

namespace {

RunResult script(const std::string& name, const std::vector<std::string>& args, const std::string& cwd,
                 const std::string& config) {
  return run_script(name, args, cwd, {{"NCPROF_CONFIG", config}, {"GOCACHE", NCPROF_GO_CACHE}, {"GOFLAGS", "-buildvcs=false"}, {"GOPROXY", "off"}});
}

}  // namespace

TEST_CASE("the guide's run-benchmarks.sh: every service with a benchmark directory, the others skipped", "[scripts][bench]") {
  const std::string dir = temp_dir("ncprof-runbench");
  const std::string mod = dir + "/crawler";
  fs::copy(NCPROF_BENCH_FIXTURE, mod, fs::copy_options::recursive);
  const std::string config = dir + "/ncprof.yaml";
  write_file(config,
             "replace: true\nservices:\n  crawler:\n    pprof: 127.0.0.1:1\n    bench: " + mod +
                 "\n  classifier:\n    pprof: 127.0.0.1:2\n");
  const std::vector<std::string> quick = {"--bench", "Checksum", "--count", "2", "--benchtime", "20ms"};
  auto with = [&](std::vector<std::string> a) {
    a.insert(a.end(), quick.begin(), quick.end());
    return a;
  };
  // ./scripts/run-benchmarks.sh --baseline
  auto base = script("run-benchmarks.sh", with({"--baseline"}), dir, config);
  INFO(base.out << base.err);
  CHECK(base.exit_code == 0);
  CHECK(base.out.find("classifier: skipped") != std::string::npos);
  CHECK(files_in(mod + "/benchmarks", "baseline-") == 1);
  // ./scripts/run-benchmarks.sh --compare
  auto cmp = script("run-benchmarks.sh", with({"--compare"}), dir, config);
  INFO(cmp.out << cmp.err);
  CHECK(cmp.exit_code == 0);
  CHECK(cmp.out.find("vs base") != std::string::npos);
  // ./scripts/run-benchmarks.sh
  auto plain = script("run-benchmarks.sh", quick, dir, config);
  CHECK(plain.exit_code == 0);
  CHECK(plain.out.find("Checksum-") != std::string::npos);
}
