// ncprof benchstat against benchstat's own published outputs: the golden
// files of golang.org/x/perf's cmd/benchstat tests and the examples of its
// documentation (tests/data/benchstat, copied with their licence), each run
// with the same arguments, benchstat's single-dash spellings included, and
// compared byte for byte.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"
#include "support/process.hpp"

using namespace ncprof::test;

namespace {

std::string data_dir() { return test_data_dir() + "/benchstat"; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunResult benchstat(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {ncprof_bin(), "benchstat"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, {}, std::chrono::seconds(60), data_dir());
}

// benchstat's doc_test.go splitting: spaces, and "..." as one word.
std::vector<std::string> split_args(std::string x) {
  std::vector<std::string> out;
  auto trim = [](std::string& s) { s.erase(0, s.find_first_not_of(' ')); };
  trim(x);
  while (!x.empty()) {
    if (x[0] == '"') {
      const auto end = x.find('"', 1);
      REQUIRE(end != std::string::npos);
      out.push_back(x.substr(1, end - 1));
      x = x.substr(end + 1);
    } else {
      const auto sp = x.find(' ');
      out.push_back(x.substr(0, sp));
      x = sp == std::string::npos ? "" : x.substr(sp + 1);
    }
    trim(x);
  }
  return out;
}

}  // namespace

TEST_CASE("benchstat's golden outputs: -table, -row, -col, -filter, -ignore, -format csv", "[benchstat]") {
  struct Golden {
    std::string name;
    std::vector<std::string> args;
  };
  // cmd/benchstat/main_test.go's cases, with its arguments.
  const std::vector<Golden> goldens = {
      {"csvOldNew", {"-format", "csv", "old.txt", "new.txt"}},
      {"csvErrors", {"-format", "csv", "-row", ".name", "new.txt"}},
      {"crcOldNew", {"crc-old.txt", "crc-new.txt"}},
      {"crcIgnore", {"-ignore", "note", "crc-old.txt", "crc-new.txt"}},
      {"crcSizeVsPoly", {"-filter", "/align:0", "-row", "/size", "-col", "/poly", "crc-new.txt"}},
      {"units", {"-col", "note", "units.txt"}},
      {"zero", {"-col", "note", "zero.txt"}},
      {"smallSample", {"-col", "note", "smallSample.txt"}},
      {"issue19565", {"-col", "note", "issue19565.txt"}},
      {"issue19634", {"-col", "note", "issue19634.txt"}},
  };
  for (const auto& g : goldens) {
    INFO(g.name);
    auto r = benchstat(g.args);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == slurp(data_dir() + "/" + g.name + ".stdout"));
    if (g.name == "csvErrors") CHECK(r.err == slurp(data_dir() + "/csvErrors.stderr"));
  }
  // -alpha and -confidence in both spellings; 0.9 narrows gob's interval.
  auto one = benchstat({"-alpha", "0.0001", "-confidence=0.9", "old.txt", "new.txt"});
  auto two = benchstat({"--alpha", "0.0001", "--confidence", "0.9", "old.txt", "new.txt"});
  CHECK(one.exit_code == 0);
  CHECK(one.out == two.out);
  CHECK(one.out.find("3.070\xc2\xb5 \xc2\xb1 1%") != std::string::npos);
  CHECK(benchstat({"old.txt", "new.txt"}).out.find("3.070\xc2\xb5 \xc2\xb1 2%") != std::string::npos);
  // The same with two dashes and joined values.
  auto r = benchstat({"--filter=/align:0", "--row", "/size", "--col=/poly", "crc-new.txt"});
  CHECK(r.out == slurp(data_dir() + "/crcSizeVsPoly.stdout"));
}

TEST_CASE("benchstat's documented examples print what its documentation shows", "[benchstat]") {
  std::istringstream in(slurp(data_dir() + "/doc-examples.txt"));
  std::string line, args, want;
  int cases = 0;
  auto check = [&] {
    if (args.empty()) return;
    while (want.size() >= 2 && want.compare(want.size() - 2, 2, "\n\n") == 0) want.pop_back();
    INFO("benchstat " << args);
    auto r = benchstat(split_args(args));
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == want);
    ++cases;
  };
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0) continue;
    if (line.rfind("$ benchstat ", 0) == 0) {
      check();
      args = line.substr(12);
      want.clear();
      continue;
    }
    if (!args.empty()) want += line + "\n";
  }
  check();
  CHECK(cases == 8);
}

TEST_CASE("benchstat projections and filters: orders, negation, regexps, and one-line syntax errors", "[benchstat]") {
  // @num orders 4k after 512; @alpha puts 15 before 4kB; -x negates.
  auto num = benchstat({"-filter", "/align:0 -/poly:Koopman", "-row", "/size@num", "-col", "/poly", "crc-new.txt"});
  REQUIRE(num.exit_code == 0);
  const auto p512 = num.out.find("\n512 "), p4k = num.out.find("\n4kB "), p32k = num.out.find("\n32kB ");
  CHECK(p512 < p4k);
  CHECK(p4k < p32k);
  CHECK(num.out.find("Koopman") == std::string::npos);
  auto alpha = benchstat({"-filter", "/align:0", "-row", "/size@alpha", "-col", "/poly", "crc-new.txt"});
  REQUIRE(alpha.exit_code == 0);
  CHECK(alpha.out.find("\n15 ") < alpha.out.find("\n1kB "));
  CHECK(alpha.out.find("\n1kB ") < alpha.out.find("\n32kB "));
  CHECK(alpha.out.find("\n32kB ") < alpha.out.find("\n40 "));
  // A regexp and a value list; a fixed order is also a filter.
  auto re = benchstat({"-filter", "/size:/^[0-9]+$/ /poly:(IEEE OR Koopman)", "-row", "/size", "-col",
                       "/poly@(Koopman IEEE)", "crc-new.txt"});
  REQUIRE(re.exit_code == 0);
  CHECK(re.out.find("kB") == std::string::npos);
  CHECK(re.out.find("Koopman") < re.out.find("IEEE"));
  CHECK(re.out.find("Castagnoli") == std::string::npos);
  // Two column keys: nested headers, the file above the poly.
  auto nested = benchstat({"-filter", "/align:0 /size:15", "-ignore", "note", "-row", ".name", "-col", ".file,/poly", "crc-old.txt",
                           "crc-new.txt"});
  REQUIRE(nested.exit_code == 0);
  CHECK(nested.out.find("crc-old.txt") < nested.out.find("IEEE"));
  // Bad queries: exit 2, one line naming the flag and the query.
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"-filter", "/size:(15", "crc-new.txt"},
           {"-filter", "goos", "crc-new.txt"},
           {"-row", "/size@sideways", "crc-new.txt"},
           {"-col", ".unit", "crc-new.txt"},
           {"-filter", ".config:x", "crc-new.txt"},
           {"-filter", "/size:/[/", "crc-new.txt"}}) {
    auto r = benchstat(bad);
    INFO(bad[1]);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("syntax error") != std::string::npos);
    CHECK(r.err.find(bad[1]) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("benchstat: a hostile query is refused in one line, never overflows the stack", "[benchstat][hostile]") {
  const std::string deep(100000, '(');
  for (const std::string& q : {deep + "x:y", std::string(100000, '-') + "x:y"}) {
    auto r = benchstat({"--filter=" + q, "new.txt"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("nested too deeply") != std::string::npos);
  }
}
