// The debug=1 texts of net/http/pprof, captured from the Go fixture, read
// as go tool pprof reads them (same values per address) and named from
// their "#" lines.
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include <catch2/catch.hpp>

#include "e2e/conformance.hpp"

using namespace ncprof::test;
namespace fs = std::filesystem;

namespace {

// A top table's rows as (address, flat, cum): pprof names an address it
// cannot symbolize by the address alone, ncprof adds the function and
// file:line, so rows are matched by the address and compared as a set
// (ties in value sort by name, which differs).
using Row = std::tuple<std::string, std::string, std::string>;

std::multiset<Row> address_rows(const std::string& out) {
  std::multiset<Row> rows;
  for (const auto& line : table_rows(out)) {
    std::istringstream in(line);
    std::string flat, flat_pct, sum_pct, cum, cum_pct, address;
    if (!(in >> flat >> flat_pct >> sum_pct >> cum >> cum_pct >> address)) continue;
    rows.insert({address, flat, cum});
  }
  return rows;
}

// The header lines that carry numbers: Type and Showing.
std::vector<std::string> totals(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Type:", 0) == 0 || line.rfind("Showing nodes", 0) == 0) lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_CASE("debug=1 texts of heap, allocs, goroutine, block and mutex: go tool pprof's values, names from the # lines",
          "[conformance][legacy]") {
  GoServiceOptions opts;
  opts.leak_heap = 4 << 20;  // ~6 MiB in 1.5 s: a dozen 512 KiB heap samples
  opts.leak_goroutines = 5;
  opts.churn = 1 << 20;
  auto svc = start_go_service(opts);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const std::string dir = temp_dir("ncprof-legacy");
  struct Case {
    std::string type;
    std::vector<std::string> sample_indexes;
    std::string named;  // a function the text's # lines name
  };
  const std::vector<Case> cases = {
      {"heap", {"0", "1"}, "main.retainBuffer"},
      {"allocs", {"0", "1"}, "main."},
      {"goroutine", {"0"}, "main.stuckSubscriber"},
      {"block", {"0", "1"}, "main."},
      {"mutex", {"0", "1"}, "main.contentionLoop"},
  };
  int compared = 0;
  for (const auto& c : cases) {
    // gc=1: the heap as of a fresh collection, the leak's buffers in it.
    auto r = http_get(svc.pprof_port, "/debug/pprof/" + c.type + "?debug=1&gc=1");
    REQUIRE(r.status == 200);
    const std::string file = dir + "/" + c.type + ".txt";
    write_file(file, r.body);
    for (const auto& si : c.sample_indexes) {
      auto go = go_pprof("top", {"-addresses", "-nodefraction=0", "-sample_index=" + si}, {file});
      auto nc = run_ncprof({"top", file, "--granularity", "addresses", "--no-trim", "--sample-index", si}, {{"TZ", "UTC"}});
      INFO(c.type << " sample index " << si << "\ngo: " << go.out << go.err << "\nncprof: " << nc.out << nc.err);
      REQUIRE(go.exit_code == 0);
      REQUIRE(nc.exit_code == 0);
      CHECK(totals(nc.out) == totals(go.out));
      auto go_rows = address_rows(go.out);
      CHECK(address_rows(nc.out) == go_rows);
      compared += go_rows.size() > 1;
    }
    // The function view: names pprof cannot show without the binary, and
    // the form read said in the header.
    auto named = run_ncprof({"top", file});
    INFO(named.out << named.err);
    REQUIRE(named.exit_code == 0);
    CHECK(named.out.find(c.named) != std::string::npos);
    CHECK(named.out.find("Read from the debug=1 text of a") != std::string::npos);
    auto traces = run_ncprof({"traces", file});
    CHECK(traces.exit_code == 0);
    CHECK(traces.out.find(".go:") == std::string::npos);  // functions granularity: names only
  }
  CHECK(compared >= 6);
  fs::remove_all(dir);
}

TEST_CASE("debug=1 threadcreate text (which go tool pprof refuses) and goroutine labels are read", "[legacy]") {
  auto svc = start_go_service({});
  const std::string dir = temp_dir("ncprof-legacy-tc");
  auto r = http_get(svc.pprof_port, "/debug/pprof/threadcreate?debug=1");
  REQUIRE(r.status == 200);
  const std::string file = dir + "/threadcreate.txt";
  write_file(file, r.body);
  // "threadcreate profile: total N": the samples add up to N.
  const std::string first = r.body.substr(0, r.body.find('\n'));
  const std::string total = first.substr(first.rfind(' ') + 1);
  auto tags = run_ncprof({"top", file, "--format", "json"});
  REQUIRE(tags.exit_code == 0);
  CHECK(tags.out.find("\"total\": " + total) != std::string::npos);
  CHECK(tags.out.find("runtime.") != std::string::npos);

  // A goroutine text with pprof labels, as runtime/pprof writes them.
  const std::string labelled = dir + "/labelled.txt";
  write_file(labelled,
             "goroutine profile: total 3\n"
             "2 @ 0x43b336 0x68481b 0x46ba21\n"
             "# labels: {\"handler\":\"/api\", \"user\":\"a \\\"b\\\"\"}\n"
             "#\t0x43b335\truntime.gopark+0xd6\t/usr/lib/go/src/runtime/proc.go:363\n"
             "#\t0x68481a\tmain.serve+0x1a\t/src/main.go:84\n"
             "\n"
             "1 @ 0x43b336 0x68481b 0x46ba21\n"
             "#\t0x68481a\tmain.serve+0x1a\t/src/main.go:84\n");
  auto t = run_ncprof({"tags", labelled});
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.find("handler: Total 2") != std::string::npos);
  CHECK(t.out.find("a \"b\"") != std::string::npos);
  auto top = run_ncprof({"top", labelled, "--granularity", "lines"});
  CHECK(top.out.find("main.serve /src/main.go:84") != std::string::npos);
  CHECK(top.out.find("runtime.gopark /usr/lib/go/src/runtime/proc.go:363") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("broken debug=1 texts: exit 2 naming the file and the line", "[legacy][errors]") {
  const std::string dir = temp_dir("ncprof-legacy-bad");
  struct Bad {
    std::string text, line, what;
  };
  const std::vector<Bad> cases = {
      {"goroutine profile: total 3\n2 @ 0x43b336 0xzz\n", ":2:", "not a sample line"},
      {"goroutine profile: total 3\n\n\nmany @ 0x43b336\n", ":4:", "not a count line"},
      {"heap profile: 1: 2 [3: 4] @ heap/1048576\n1: 2 3: 4 @ 0x1\n", ":2:", "not a heap sample line"},
      {"heap profile: 1: 2 [3: 4] @ heap/1048576\n0: 16 [0: 0] @ 0x1\n", ":2:", "inuse count was 0"},
      {"--- mutex:\ncycles/second=abc\n", ":2:", "not a number"},
      {"--- mutex:\nfrequency=1\n1 1 @ 0x1\n", ":2:", "attribute of no contention profile"},
      {"--- contention:\ncycles/second=1000\n12 @ 0x1\n", ":3:", "not a contention line"},
      {"goroutine profile: total 1\n1 @ 0x1\n# labels: {handler}\n", ":3:", "labels"},
      {"goroutine profile: total 1\n1 @ 0x1ffffffffffffffffffff\n", ":2:", "not a sample line"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string file = dir + "/bad" + std::to_string(i) + ".txt";
    write_file(file, cases[i].text);
    auto r = run_ncprof({"top", file});
    INFO(cases[i].text << "\n-> " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(file + cases[i].line) != std::string::npos);
    CHECK(r.err.find(cases[i].what) != std::string::npos);
    CHECK(r.out.empty());
  }
  fs::remove_all(dir);
}
