// ncprof alerts: the rule file passes promtool check rules, and promtool's
// rule unit tests (tests/prometheus/alerts.test.yml) fire each alert on
// synthetic series and stay silent on flat ones.
#include <filesystem>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

using namespace ncprof::test;
namespace fs = std::filesystem;

namespace {

// promtool test rules over the unit tests, with `rules` as their alerts.yml.
RunResult rule_tests(const std::string& dir, const std::vector<std::string>& alert_args) {
  std::vector<std::string> args = {"alerts", "-o", dir + "/alerts.yml"};
  args.insert(args.end(), alert_args.begin(), alert_args.end());
  auto gen = run_ncprof(args);
  REQUIRE(gen.exit_code == 0);
  fs::copy_file(std::string(NCPROF_SOURCE_DIR) + "/tests/prometheus/alerts.test.yml", dir + "/alerts.test.yml",
                fs::copy_options::overwrite_existing);
  return run({"promtool", "test", "rules", "alerts.test.yml"}, {}, std::chrono::seconds(60), dir);
}

}  // namespace

TEST_CASE("alerts: promtool checks the rules and its unit tests fire each alert on its own series", "[alerts]") {
  const std::string dir = temp_dir("ncprof-alerts");
  auto printed = run_ncprof({"alerts"});
  REQUIRE(printed.exit_code == 0);
  write_file(dir + "/printed.yml", printed.out);
  auto check = run({"promtool", "check", "rules", dir + "/printed.yml"});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("SUCCESS: 6 rules found") != std::string::npos);

  auto tests = rule_tests(dir, {});
  INFO(tests.out << tests.err);
  CHECK(tests.exit_code == 0);
  CHECK(tests.out.find("SUCCESS") != std::string::npos);

  // The rules decide: growth under a much higher rate is not an alert, and
  // the unit tests that expect it fail.
  auto strict = rule_tests(dir, {"--goroutine-rate", "1"});
  CHECK(strict.exit_code != 0);
  CHECK((strict.out + strict.err).find("NcprofGoroutinesGrowing") != std::string::npos);

  // A heap limit instead of the doubling rule, still valid rules.
  auto limit = run_ncprof({"alerts", "--heap-limit", "2GiB", "--for", "30m", "-o", dir + "/limit.yml"});
  REQUIRE(limit.exit_code == 0);
  CHECK(read_file(dir + "/limit.yml").find("> 2147483648") != std::string::npos);
  CHECK(read_file(dir + "/limit.yml").find("for: 30m") != std::string::npos);
  CHECK(run({"promtool", "check", "rules", dir + "/limit.yml"}).exit_code == 0);
  fs::remove_all(dir);
}

TEST_CASE("alerts: bad durations, rates and sizes are exit 2", "[alerts][errors]") {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--for", "soon"},
                                                                {"--window", "0s"},
                                                                {"--goroutine-rate", "0"},
                                                                {"--heap-limit", "lots"},
                                                                {"--capture-errors", "2"}}) {
    std::vector<std::string> argv = {"alerts"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_ncprof(argv);
    INFO(args[0] << " " << args[1] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(args[0]) != std::string::npos);
    CHECK(r.out.empty());
  }
}
