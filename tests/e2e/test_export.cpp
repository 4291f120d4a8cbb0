// ncprof export (folded, speedscope, pprof) and folded input, checked
// against go tool pprof -traces, speedscope's file format, and themselves.
#include <filesystem>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "e2e/conformance.hpp"
#include "ncprof/profile/codec.hpp"
#include "ncprof/util/strings.hpp"

using namespace ncprof::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using StackSums = std::map<std::string, long long>;

// go tool pprof -traces, summed per stack (root first, ';'-joined).
StackSums traces_sums(const std::string& out) {
  StackSums sums;
  std::vector<std::string> frames;
  long long value = 0;
  bool in_sample = false;
  auto flush = [&] {
    if (in_sample && !frames.empty()) {
      std::string stack;
      for (auto it = frames.rbegin(); it != frames.rend(); ++it) stack += (stack.empty() ? "" : ";") + *it;
      sums[stack] += value;
    }
    frames.clear();
  };
  for (auto line_view : ncprof::util::split_lines(out)) {
    std::string line(line_view);
    if (line.rfind("-----------+", 0) == 0) {
      flush();
      in_sample = true;
      continue;
    }
    if (!in_sample || line.size() < 13 || line.substr(10, 3) != "   ") continue;  // labels are "key:  values"
    std::string v = line.substr(0, 10);
    v.erase(0, v.find_first_not_of(' '));
    std::string name = line.substr(13);
    if (name.size() > 9 && name.compare(name.size() - 9, 9, " (inline)") == 0) name.resize(name.size() - 9);
    if (!v.empty()) value = std::stoll(v);
    frames.push_back(name);
  }
  return sums;
}

StackSums folded_sums(const std::string& out, int column = 0) {
  StackSums sums;
  for (auto line_view : ncprof::util::split_lines(out)) {
    std::string line(line_view);
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::size_t end = line.size();
    for (int k = 0; k < 2; ++k) {
      std::size_t sp = line.rfind(' ', end - 1);
      cols.push_back(line.substr(sp + 1, end - sp - 1));
      end = sp;
      if (column == 0) break;
    }
    // column 0: the only count; 1: base, 2: new of "stack base new".
    const std::string stack = line.substr(0, end);
    const std::string& v = column == 0 ? cols[0] : (column == 2 ? cols[0] : cols[1]);
    sums[stack] += std::stoll(v);
  }
  return sums;
}

StackSums without_zeros(StackSums s) {
  std::erase_if(s, [](const auto& kv) { return kv.second == 0; });
  return s;
}

// Raw counts: pprof prints unit-scaled values, so the tests use profiles
// whose values print as plain integers (count units) or compare sums of
// a count type.
const std::vector<std::pair<std::string, std::string>>& count_cases() {
  static const std::vector<std::pair<std::string, std::string>> cases = {
      {"goroutine-1.pprof", "goroutine"}, {"goroutine-2.pprof", "goroutine"}, {"heap-2.pprof", "alloc_objects"},
      {"allocs.pprof", "inuse_objects"},  {"mutex.pprof", "contentions"},     {"block.pprof", "contentions"},
      {"threadcreate.pprof", "threadcreate"}, {"cpu.pprof", "samples"}};
  return cases;
}

}  // namespace

TEST_CASE("export --format folded: each stack's sum is what go tool pprof -traces shows", "[export][conformance]") {
  const std::string rt = test_data_dir() + "/go-runtime/";
  int compared = 0;
  for (const auto& [file, si] : count_cases()) {
    for (const std::vector<std::string>& sel : std::vector<std::vector<std::string>>{{}, {"--focus", "runtime"},
                                                                                     {"--granularity", "lines"}}) {
      std::vector<std::string> go_opts = {"-sample_index=" + si};
      std::vector<std::string> nc_opts = {"--sample-index", si};
      if (!sel.empty()) {
        go_opts.push_back(sel[0] == "--focus" ? "-focus=" + sel[1] : "-lines");
        nc_opts.insert(nc_opts.end(), sel.begin(), sel.end());
      }
      auto go = go_pprof("traces", go_opts, {rt + file});
      nc_opts.insert(nc_opts.begin(), rt + file);
      nc_opts.insert(nc_opts.begin(), "export");
      auto nc = run_ncprof(nc_opts);
      INFO(file << " " << si << " " << (sel.empty() ? "" : sel[0]) << "\n" << nc.err);
      REQUIRE(go.exit_code == 0);
      REQUIRE(nc.exit_code == 0);
      const StackSums expected = without_zeros(traces_sums(go.out));
      CHECK(folded_sums(nc.out) == expected);
      compared += !expected.empty();
    }
  }
  CHECK(compared >= 18);
}

TEST_CASE("export --format folded --base: difffolded.pl's 'stack base new', each side as pprof shows it",
          "[export][conformance]") {
  const std::string rt = test_data_dir() + "/go-runtime/";
  auto nc = run_ncprof({"export", rt + "goroutine-2.pprof", "--base", rt + "goroutine-1.pprof"});
  REQUIRE(nc.exit_code == 0);
  auto base = without_zeros(folded_sums(nc.out, 1));
  auto now = without_zeros(folded_sums(nc.out, 2));
  CHECK(base == without_zeros(traces_sums(go_pprof("traces", {}, {rt + "goroutine-1.pprof"}).out)));
  CHECK(now == without_zeros(traces_sums(go_pprof("traces", {}, {rt + "goroutine-2.pprof"}).out)));
  CHECK_FALSE(base.empty());
}

TEST_CASE("folded stacks are read back: folded -> ncprof -> folded is stable, top reads them", "[export][folded]") {
  const std::string dir = temp_dir("ncprof-export");
  const std::string rt = test_data_dir() + "/go-runtime/";
  for (const auto& file : {rt + "cpu.pprof", rt + "heap-2.pprof", test_data_dir() + "/synthetic-heap.pb.gz"}) {
    auto first = run_ncprof({"export", file});
    REQUIRE(first.exit_code == 0);
    write_file(dir + "/a.folded", first.out);
    auto again = run_ncprof({"export", dir + "/a.folded"});
    INFO(file << ": " << again.err);
    REQUIRE(again.exit_code == 0);
    CHECK(again.out == first.out);
  }
  // top over the folded file: the header says what was read; the totals hold.
  auto folded = run_ncprof({"export", rt + "cpu.pprof", "--sample-index", "samples"});
  write_file(dir + "/cpu.folded", folded.out);
  auto top = run_ncprof({"top", dir + "/cpu.folded", "--format", "json"});
  REQUIRE(top.exit_code == 0);
  auto orig = run_ncprof({"top", rt + "cpu.pprof", "--sample-index", "samples", "--format", "json"});
  CHECK(json::parse(top.out)["total"] == json::parse(orig.out)["total"]);
  CHECK(run_ncprof({"top", dir + "/cpu.folded"}).out.rfind("Read from folded stacks\n", 0) == 0);
  // Broken folded input: exit 2 with file:line, and the two-column form refused.
  write_file(dir + "/bad.folded", "main.a;main.b 3\nmain.c not-a-number\n");
  auto bad = run_ncprof({"top", dir + "/bad.folded"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find(dir + "/bad.folded:2: not a folded stack line") != std::string::npos);
  write_file(dir + "/empty-frame.folded", "main.a;;main.b 3\n");
  CHECK(run_ncprof({"top", dir + "/empty-frame.folded"}).err.find("empty-frame.folded:1: an empty frame name") !=
        std::string::npos);
  write_file(dir + "/two.folded", "main.a;main.b 3 4\nmain.c 1 2\n");
  auto two = run_ncprof({"export", dir + "/two.folded"});
  CHECK(two.exit_code == 2);
  CHECK(two.err.find("two counts per line") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("export --format speedscope: speedscope's file format, weights adding up to each type's total",
          "[export][speedscope]") {
  const std::string rt = test_data_dir() + "/go-runtime/";
  for (const auto& file : {rt + "heap-2.pprof", rt + "cpu.pprof", rt + "goroutine-2.pprof"}) {
    auto r = run_ncprof({"export", file, "--format", "speedscope"});
    INFO(file << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    const json doc = json::parse(r.out);
    CHECK(doc["$schema"] == "https://www.speedscope.app/file-format-schema.json");
    REQUIRE(doc["shared"]["frames"].is_array());
    const std::size_t nframes = doc["shared"]["frames"].size();
    for (const auto& f : doc["shared"]["frames"]) CHECK(f["name"].is_string());
    auto p = ncprof::profile::read_profile(file);
    REQUIRE(p);
    REQUIRE(doc["profiles"].size() == p->sample_types.size());
    std::set<std::string> names;
    for (const auto& prof : doc["profiles"]) {
      CHECK(prof["type"] == "sampled");
      const std::string unit = prof["unit"];
      CHECK(std::set<std::string>{"none", "nanoseconds", "microseconds", "milliseconds", "seconds", "bytes"}.count(unit));
      REQUIRE(prof["samples"].size() == prof["weights"].size());
      long long sum = 0;
      for (const auto& w : prof["weights"]) sum += w.get<long long>();
      for (const auto& stack : prof["samples"]) {
        for (const auto& i : stack) CHECK(i.get<std::size_t>() < nframes);
      }
      CHECK(prof["startValue"] == 0);
      CHECK(prof["endValue"] == sum);
      // The type's total, summed over the profile's own samples.
      const std::string name = prof["name"];
      names.insert(name);
      long long total = 0;
      for (std::size_t t = 0; t < p->sample_types.size(); ++t) {
        if (name == p->sample_types[t].type + " (" + p->sample_types[t].unit + ")") {
          for (const auto& s : p->samples) total += s.values[t];
        }
      }
      CHECK(sum == total);
    }
    CHECK(names.size() == p->sample_types.size());
  }
  auto diff = run_ncprof({"export", rt + "heap-2.pprof", "--format", "speedscope", "--base", rt + "heap-1.pprof"});
  CHECK(diff.exit_code == 2);
  CHECK(diff.err.find("speedscope has no differential view") != std::string::npos);
}

TEST_CASE("export --format pprof: the filtered profile, which go tool pprof reads as it filters", "[export][conformance]") {
  const std::string dir = temp_dir("ncprof-export");
  const std::string rt = test_data_dir() + "/go-runtime/";
  for (const auto& [go_flag, nc_flag, pattern] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"-focus", "--focus", "runtime"}, {"-ignore", "--ignore", "runtime\\.gopark"}}) {
    for (const char* file : {"heap-2.pprof", "goroutine-2.pprof", "cpu.pprof"}) {
      auto r = run_ncprof({"export", rt + file, "--format", "pprof", nc_flag, pattern, "-o", dir + "/f.pb.gz"});
      INFO(file << " " << nc_flag << ": " << r.err);
      REQUIRE(r.exit_code == 0);
      // Sample by sample, the exported profile is what pprof's filter keeps.
      auto ours = go_pprof("traces", {}, {dir + "/f.pb.gz"});
      auto theirs = go_pprof("traces", {go_flag + "=" + pattern}, {rt + file});
      REQUIRE(ours.exit_code == 0);
      CHECK(traces_sums(ours.out) == traces_sums(theirs.out));
      CHECK_FALSE(traces_sums(ours.out).empty());
    }
  }
  auto tty = run_ncprof({"export", rt + "cpu.pprof", "--format", "pprof", "-o", dir + "/no-such-dir/x.pb.gz"});
  CHECK(tty.exit_code == 0);  // the directory is made
  write_file(dir + "/file", "");
  auto bad = run_ncprof({"export", rt + "cpu.pprof", "--format", "pprof", "-o", dir + "/file/x.pb.gz"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("ncprof: error: -o " + dir + "/file/x.pb.gz") == 0);
  fs::remove_all(dir);
}
