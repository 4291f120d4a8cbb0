// ncprof bench and benchstat end to end: a small Go module with benchmarks,
// one of which NCPROF_BENCH_SLOW makes three times slower.
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/fixture.hpp"

using namespace ncprof::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string copy_fixture() {
  std::string dir = temp_dir("ncprof-bench") + "/benchmod";
  fs::copy(NCPROF_BENCH_FIXTURE, dir, fs::copy_options::recursive);
  return dir;
}

std::map<std::string, std::string> go_env(bool slow = false) {
  std::map<std::string, std::string> env = {{"GOCACHE", NCPROF_GO_CACHE}, {"GOFLAGS", "-buildvcs=false"},
                                            {"GOPROXY", "off"}};
  if (slow) env["NCPROF_BENCH_SLOW"] = "1";
  return env;
}

const std::vector<std::string> kRun = {"--bench", "Normalize", "--count", "6", "--benchtime", "100ms",
                                       "--benchmem"};

std::vector<std::string> args(std::vector<std::string> a) {
  a.insert(a.end(), kRun.begin(), kRun.end());
  return a;
}

// The fixture as a git repository of one commit, for --against.
std::string fixture_repo() {
  const std::string dir = copy_fixture();
  for (std::vector<std::string> git : {std::vector<std::string>{"git", "init", "-q"},
                                       {"git", "add", "-A"},
                                       {"git", "-c", "user.name=ncprof", "-c", "user.email=t@ncprof", "commit", "-qm", "base"}}) {
    auto r = run(git, {}, std::chrono::seconds(60), dir);
    REQUIRE(r.exit_code == 0);
  }
  return dir;
}

// Edits a file of the working tree: one string for another.
void edit(const std::string& file, const std::string& from, const std::string& to) {
  std::string text = read_file(file);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  write_file(file, text);
}

// A short gate run, as JSON.
std::vector<std::string> ab(std::vector<std::string> a, const std::string& bench = "Normalize|Checksum|Split") {
  a.insert(a.end(), {"--bench", bench, "--rounds", "10", "--benchtime", "50ms", "--format", "json"});
  return a;
}

}  // namespace

TEST_CASE("bench --against: a commit against itself passes, a 3x slower Normalize in the working tree fails (confirmed)",
          "[bench][against]") {
  const std::string dir = fixture_repo();
  auto same = run_ncprof(ab({"bench", "--dir", dir, "--against", "HEAD"}), go_env());
  INFO(same.out << same.err);
  REQUIRE(same.exit_code == 0);
  auto doc = json::parse(same.out)["services"][0];
  CHECK(doc["commit"].get<std::string>().size() == 40);
  CHECK(doc["regressions"].empty());
  std::set<std::string> names;
  for (const auto& r : doc["results"]) {
    names.insert(r["benchmark"].get<std::string>().substr(0, r["benchmark"].get<std::string>().find('-')));
    CHECK(r["rounds"].get<int>() >= 10);
    CHECK(r["verdict"] != "regressed");
  }
  CHECK(names == std::set<std::string>{"Checksum", "Normalize", "Split"});
  // Both sides as Go benchmark files: benchstat reads them.
  const std::string ref_file = doc["files"][0], head_file = doc["files"][1];
  CHECK(read_file(ref_file).find("BenchmarkNormalize-") != std::string::npos);
  auto bs = run_ncprof({"benchstat", ref_file, head_file});
  CHECK(bs.exit_code == 0);
  CHECK(bs.out.find("Normalize-") != std::string::npos);

  // The working tree does three times the work in Normalize.
  edit(dir + "/work.go", "const defaultSlowFactor = 1", "const defaultSlowFactor = 3");
  auto slow = run_ncprof(ab({"bench", "--dir", dir, "--against", "HEAD"}), go_env());
  INFO(slow.out << slow.err);
  CHECK(slow.exit_code == 1);
  auto sdoc = json::parse(slow.out)["services"][0];
  REQUIRE(sdoc["regressions"].size() >= 1);
  bool normalize_time = false;
  for (const auto& r : sdoc["results"]) {
    const std::string name = r["benchmark"];
    if (r["verdict"] == "regressed" && r["confirmed"] == true) {
      CHECK(name.rfind("Normalize-", 0) == 0);
      if (r["unit"] == "sec/op") {
        normalize_time = true;
        CHECK(r["ratio"].get<double>() > 2);
        CHECK(r["ci"][0].get<double>() > 1.05);
      }
    }
  }
  CHECK(normalize_time);
  CHECK(slow.err.find("load average") != std::string::npos);  // the machine's state next to the failure
  // The text form: the verdict table and benchstat's view.
  auto text = run_ncprof({"bench", "--dir", dir, "--against", "HEAD", "--bench", "Normalize", "--rounds", "10",
                          "--benchtime", "50ms"},
                         go_env());
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("REGRESSED (confirmed)") != std::string::npos);
  CHECK(text.out.find("head/ref [95% CI]") != std::string::npos);
  CHECK(text.out.find("vs base") != std::string::npos);
}

TEST_CASE("bench --against: build failures are exit 3 with the compiler's output, one-sided benchmarks are listed",
          "[bench][against]") {
  const std::string dir = fixture_repo();
  write_file(dir + "/extra_test.go",
             "package benchmod\n\nimport \"testing\"\n\nfunc BenchmarkOnlyHead(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t}\n}\n");
  auto r = run_ncprof(ab({"bench", "--dir", dir, "--against", "HEAD"}, "Split|OnlyHead"), go_env());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = json::parse(r.out)["services"][0];
  REQUIRE(doc["only_head"].size() == 1);
  CHECK(doc["only_head"][0].get<std::string>().find("BenchmarkOnlyHead") != std::string::npos);
  for (const auto& res : doc["results"]) CHECK(res["benchmark"].get<std::string>().rfind("Split-", 0) == 0);

  write_file(dir + "/broken_test.go", "package benchmod\n\nfunc helper() { undefinedThing() }\n");
  auto broken = run_ncprof({"bench", "--dir", dir, "--against", "HEAD", "--rounds", "10"}, go_env());
  CHECK(broken.exit_code == 3);
  CHECK(broken.err.find("head: go test -c") != std::string::npos);
  CHECK(broken.err.find("undefinedThing") != std::string::npos);

  auto bad_ref = run_ncprof({"bench", "--dir", dir, "--against", "no-such-ref"}, go_env());
  CHECK(bad_ref.exit_code == 2);
  CHECK(bad_ref.err.find("'no-such-ref' is not a commit") != std::string::npos);
  auto few = run_ncprof({"bench", "--dir", dir, "--against", "HEAD", "--rounds", "5"}, go_env());
  CHECK(few.exit_code == 2);
  auto mixed = run_ncprof({"bench", "--dir", dir, "--against", "HEAD", "--baseline"}, go_env());
  CHECK(mixed.exit_code == 2);
  auto not_git = run_ncprof({"bench", "--dir", copy_fixture(), "--against", "HEAD"}, go_env());
  CHECK(not_git.exit_code == 2);
  CHECK(not_git.err.find("needs a git work tree") != std::string::npos);
}

TEST_CASE("bench: baseline, then compare with and without a slowdown, gated at 10%", "[bench]") {
  const std::string dir = copy_fixture();
  auto base = run_ncprof(args({"bench", "--dir", dir, "--baseline", "--format", "json"}), go_env());
  INFO(base.out << base.err);
  REQUIRE(base.exit_code == 0);
  auto bdoc = json::parse(base.out);
  std::string baseline = bdoc["services"][0]["baseline"];
  CHECK(fs::path(baseline).filename().string().rfind("baseline-20", 0) == 0);
  CHECK(read_file(baseline).find("pkg: ncprof.test/benchmod") != std::string::npos);  // raw output, config lines kept
  CHECK(read_file(baseline).find("BenchmarkNormalize-") != std::string::npos);

  // A second baseline the same day gets a suffix; it never overwrites.
  auto again = run_ncprof(args({"bench", "--dir", dir, "--baseline", "--format", "json"}), go_env());
  REQUIRE(again.exit_code == 0);
  std::string second = json::parse(again.out)["services"][0]["baseline"];
  CHECK(second != baseline);
  CHECK(second.find(".txt") == baseline.size() - 4 + 2);  // "-2.txt"
  CHECK(fs::exists(baseline));

  auto same = run_ncprof(args({"bench", "--dir", dir, "--compare", "--fail-on", "10"}), go_env());
  INFO(same.out << same.err);
  CHECK(same.exit_code == 0);
  CHECK(same.out.find("vs base") != std::string::npos);
  CHECK(same.out.find("gate: no benchmark got worse") != std::string::npos);

  auto slow = run_ncprof(args({"bench", "--dir", dir, "--compare", "--fail-on", "10", "--format", "json"}),
                         go_env(true));
  INFO(slow.out << slow.err);
  CHECK(slow.exit_code == 1);
  auto sdoc = json::parse(slow.out);
  const auto& hits = sdoc["services"][0]["regressions"];
  // Only Normalize got slower; it also allocates three times as much.
  REQUIRE(!hits.empty());
  bool time_hit = false;
  for (const auto& h : hits) {
    CHECK(h["benchmark"].get<std::string>().rfind("Normalize-", 0) == 0);
    CHECK(h["p"].get<double>() <= 0.05);
    CHECK(h["delta_pct"].get<double>() >= 50);
    if (h["unit"] == "sec/op") {
      time_hit = true;
      CHECK(h["delta_pct"].get<double>() > 100);  // three times the work
    }
  }
  CHECK(time_hit);
  CHECK(slow.err.empty() == false);
  // It compared with the newest baseline (the -2 one).
  CHECK(sdoc["services"][0]["compared_with"] == second);

  // Without --fail-on a comparison never fails.
  auto ungated = run_ncprof(args({"bench", "--dir", dir, "--compare", baseline}), go_env(true));
  CHECK(ungated.exit_code == 0);
  CHECK(ungated.out.find("Normalize-") != std::string::npos);
}

TEST_CASE("bench: a failing go test is reported with its output and exit 3", "[bench]") {
  const std::string dir = copy_fixture();
  write_file(dir + "/broken_test.go", "package benchmod\n\nfunc BenchmarkBroken(b *testing.B) { undefined() }\n");
  auto r = run_ncprof({"bench", "--dir", dir, "--count", "1", "--benchtime", "1x"}, go_env());
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("go test failed") != std::string::npos);
  CHECK(r.err.find("undefined") != std::string::npos);  // the compiler's message is shown
  CHECK(run_ncprof({"bench", "--dir", dir + "/nope"}, go_env()).exit_code == 2);
  auto no_base = run_ncprof({"bench", "--dir", copy_fixture(), "--compare", "--count", "1"}, go_env());
  CHECK(no_base.exit_code == 2);
  CHECK(no_base.err.find("no baseline") != std::string::npos);
}

TEST_CASE("bench: options and baselines are checked before any benchmark runs, services and files told apart",
          "[bench]") {
  const std::string dir = copy_fixture();
  auto t0 = std::chrono::steady_clock::now();
  auto bogus = run_ncprof({"bench", "--dir", dir, "--benchtime", "bogus"}, go_env());
  CHECK(bogus.exit_code == 2);
  CHECK(bogus.err.find("--benchtime 'bogus'") != std::string::npos);
  auto missing = run_ncprof({"bench", "--dir", dir, "--compare", dir + "/missing.txt"}, go_env());
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find(dir + "/missing.txt") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));  // nothing was run
  CHECK(!fs::exists(dir + "/benchmarks/latest.txt"));
  CHECK(run_ncprof({"bench", "--dir", dir, "--count", "-1"}, go_env()).exit_code == 2);
  CHECK(run_ncprof({"bench", "--dir", dir, "--alpha", "2"}, go_env()).exit_code == 2);

  // `--compare crawler` compares the crawler service (its bench: directory) with its newest baseline.
  const std::string cfg = dir + "/ncprof.yaml";
  write_file(cfg, "services:\n  crawler:\n    bench: " + dir + "\n");
  auto base = run_ncprof({"bench", "crawler", "--config", cfg, "--baseline", "--bench", "Checksum", "--count", "1",
                          "--benchtime", "1x"},
                         go_env());
  INFO(base.err);
  REQUIRE(base.exit_code == 0);
  const std::string elsewhere = temp_dir("ncprof-cwd");
  auto cmp = run({ncprof_bin(), "bench", "--compare", "crawler", "--config", cfg, "--bench", "Checksum", "--count", "1",
                  "--benchtime", "1x", "--format", "json"},
                 go_env(), std::chrono::seconds(120), elsewhere);
  INFO(cmp.err);
  CHECK(cmp.exit_code == 0);
  auto doc = json::parse(cmp.out);
  CHECK(doc["services"][0]["service"] == "crawler");
  CHECK(doc["services"][0]["compared_with"].get<std::string>().find(dir + "/benchmarks/baseline-") == 0);
}

TEST_CASE("bench: per-package CPU profiles go to profiles/", "[bench]") {
  const std::string dir = copy_fixture();
  const std::string cwd = temp_dir("ncprof-prof");
  auto r = run({ncprof_bin(), "bench", "--dir", dir, "--bench", "Checksum", "--count", "1", "--benchtime", "50ms",
                "--profile", "cpu", "--format", "json"},
               go_env(), std::chrono::seconds(120), cwd);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = json::parse(r.out);
  REQUIRE(doc["services"][0]["profiles"].size() == 1);
  std::string prof = doc["services"][0]["profiles"][0];
  CHECK(prof.rfind(cwd + "/profiles/bench_benchmod_benchmod_cpu_", 0) == 0);
  CHECK(prof.ends_with(".pb.gz"));
  CHECK(fs::exists(prof));
  // No test binary is left behind in the package or the working directory.
  for (const auto& d : {dir, cwd}) {
    for (const auto& f : list_dir(d)) CHECK(!f.ends_with(".test"));
  }
  auto top = run_ncprof({"top", prof});
  CHECK(top.exit_code == 0);
  CHECK(top.out.find("Type: cpu") != std::string::npos);
}

TEST_CASE("benchstat: files in, benchstat's table out, broken input reported", "[benchstat]") {
  std::string dir = temp_dir("ncprof-bs");
  std::string old_f = dir + "/old.txt", new_f = dir + "/new.txt";
  std::string o = "goos: linux\npkg: example\n", n = o;
  for (int i = 0; i < 6; ++i) {
    o += "BenchmarkA-8 100 " + std::to_string(1000 + i) + " ns/op\n";
    n += "BenchmarkA-8 100 " + std::to_string(1500 + i) + " ns/op\n";
  }
  n += "BenchmarkA-8 100 oops ns/op\n";
  write_file(old_f, o);
  write_file(new_f, n);
  auto r = run_ncprof({"benchstat", old_f, new_f});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("+49.88% (p=0.002 n=6)") != std::string::npos);  // 1502.5/1002.5
  CHECK(r.err.find(new_f + ":9: parsing measurement") != std::string::npos);
  auto j = run_ncprof({"benchstat", "--format", "json", old_f, new_f});
  auto doc = json::parse(j.out);
  const auto& cell = doc["tables"][0]["rows"][0]["cells"][1];
  CHECK(cell["comparison"]["significant"] == true);
  CHECK(cell["center"].get<double>() == Approx(1502.5e-9));
  auto csv = run_ncprof({"benchstat", "--format", "csv", old_f, new_f});
  CHECK(csv.out.find(",sec/op,CI,sec/op,CI,vs base,P\n") != std::string::npos);
  auto missing = run_ncprof({"benchstat", dir + "/none.txt"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find(dir + "/none.txt") != std::string::npos);
  write_file(dir + "/empty.txt", "no benchmarks here\n");
  CHECK(run_ncprof({"benchstat", dir + "/empty.txt"}).exit_code == 2);
}
