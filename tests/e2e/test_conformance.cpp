// ncprof top against go tool pprof -top on the same files and options.
#include <filesystem>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "e2e/conformance.hpp"
#include "ncprof/profile/codec.hpp"
#include "support/builder.hpp"

using namespace ncprof::test;
namespace fs = std::filesystem;

namespace {

std::string fmt_args(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += a + " ";
  return s;
}

// Comparisons whose table had rows: a guard against comparing nothing.
int non_empty_tables = 0;

void compare_all_option_sets(const std::vector<std::string>& files, const std::vector<std::string>& extra_go = {},
                             const std::vector<std::string>& extra_nc = {}, std::size_t max_sets = SIZE_MAX) {
  std::size_t sets = 0;
  for (const auto& set : option_sets()) {
    if (sets++ >= max_sets) break;
    auto go_opts = set.go;
    go_opts.insert(go_opts.end(), extra_go.begin(), extra_go.end());
    auto nc_opts = set.nc;
    nc_opts.insert(nc_opts.end(), extra_nc.begin(), extra_nc.end());
    auto go = go_pprof_top(go_opts, files);
    auto nc = ncprof_top(nc_opts, files);
    INFO("files: " << files[0] << (files.size() > 1 ? " ..." : "") << "  options: " << fmt_args(nc_opts));
    INFO("go stderr: " << go.err << "ncprof stderr: " << nc.err);
    REQUIRE(go.exit_code == 0);
    REQUIRE(nc.exit_code == 0);
    auto go_rows = table_rows(go.out);
    non_empty_tables += go_rows.empty() ? 0 : 1;
    CHECK(table_rows(nc.out) == go_rows);
    // Header lines (File, Type, Time, Duration, Showing, Dropped) match too.
    CHECK(nc.out == go.out);
  }
}

}  // namespace

TEST_CASE("test data profiles: ncprof top equals go tool pprof -top", "[conformance]") {
  auto files = profile_files(test_data_dir());
  INFO("test data: " << test_data_dir());
  REQUIRE(files.size() >= 11);
  non_empty_tables = 0;
  for (const auto& f : files) compare_all_option_sets({f});
  CHECK(non_empty_tables >= 100);
}

TEST_CASE("an external corpus, when there is one, adds cases", "[conformance]") {
  auto files = profile_files(extra_corpus_dir());
  INFO("external corpus: " << (extra_corpus_dir().empty() ? "none" : extra_corpus_dir()));
  // Every option set on small files; pprof's defaults alone on large ones
  // (the corpus's 1.2 MB CPU profile took a minute over every set): the
  // sets are covered on the test data.
  for (const auto& f : files) {
    const bool large = std::filesystem::file_size(f) > (256u << 10);
    compare_all_option_sets({f}, {}, {}, large ? 1 : SIZE_MAX);
  }
  SUCCEED(files.size() << " external profiles compared");
}

TEST_CASE("test data: heap sample indexes, -base, -diff_base and merged inputs", "[conformance]") {
  const std::string rt = test_data_dir() + "/go-runtime/";
  for (const char* si : {"alloc_space", "alloc_objects", "inuse_objects", "inuse_space"}) {
    auto go = go_pprof_top({std::string("-sample_index=") + si}, {rt + "heap-2.pprof"});
    auto nc = ncprof_top({"--sample-index", si}, {rt + "heap-2.pprof"});
    INFO(si);
    CHECK(nc.out == go.out);
  }
  compare_all_option_sets({rt + "heap-2.pprof"}, {"-base=" + rt + "heap-1.pprof"}, {"--base", rt + "heap-1.pprof"});
  compare_all_option_sets({rt + "goroutine-2.pprof"}, {"-base=" + rt + "goroutine-1.pprof"},
                          {"--base", rt + "goroutine-1.pprof"});
  compare_all_option_sets({rt + "heap-2.pprof"}, {"-diff_base=" + rt + "heap-1.pprof"},
                          {"--diff-base", rt + "heap-1.pprof"});
  compare_all_option_sets({rt + "heap-1.pprof", rt + "heap-2.pprof"});
  compare_all_option_sets({test_data_dir() + "/cpu-long.pb.gz", rt + "cpu.pprof"});
}

TEST_CASE("test data: -drop_negative and -normalize against a base", "[conformance]") {
  const std::string rt = test_data_dir() + "/go-runtime/";
  // The goroutine difference has negative rows; normalizing scales both
  // profiles' differences.
  compare_all_option_sets({rt + "goroutine-2.pprof"}, {"-base=" + rt + "goroutine-1.pprof", "-drop_negative"},
                          {"--base", rt + "goroutine-1.pprof", "--drop-negative"});
  compare_all_option_sets({rt + "heap-2.pprof"}, {"-base=" + rt + "heap-1.pprof", "-normalize"},
                          {"--base", rt + "heap-1.pprof", "--normalize"});
  compare_all_option_sets({rt + "goroutine-2.pprof"}, {"-diff_base=" + rt + "goroutine-1.pprof", "-normalize"},
                          {"--diff-base", rt + "goroutine-1.pprof", "--normalize"});
}

TEST_CASE("profiles captured from the Go fixture: ncprof top equals go tool pprof -top", "[conformance][fixture]") {
  GoServiceOptions opts;
  opts.leak_heap = 200000;
  opts.leak_goroutines = 5;
  opts.burn_cpu = 0.5;
  opts.churn = 1 << 20;
  auto svc = start_go_service(opts);
  std::string dir = temp_dir("ncprof-conf");
  struct Capture {
    std::string name, path;
  };
  std::vector<Capture> captures = {{"heap-1", "/debug/pprof/heap?gc=1"}, {"allocs", "/debug/pprof/allocs"},
                                   {"cpu", "/debug/pprof/profile?seconds=2"}, {"goroutine", "/debug/pprof/goroutine"},
                                   {"block", "/debug/pprof/block"},          {"mutex", "/debug/pprof/mutex"},
                                   {"heap-2", "/debug/pprof/heap?gc=1"}};
  for (const auto& c : captures) {
    auto r = http_get(svc.pprof_port, c.path);
    INFO(c.path);
    REQUIRE(r.status == 200);
    write_file(dir + "/" + c.name + ".pb.gz", r.body);
  }
  non_empty_tables = 0;
  for (const auto& c : captures) compare_all_option_sets({dir + "/" + c.name + ".pb.gz"});
  CHECK(non_empty_tables >= 60);
  compare_all_option_sets({dir + "/heap-2.pb.gz"}, {"-base=" + dir + "/heap-1.pb.gz"},
                          {"--base", dir + "/heap-1.pb.gz"});
  fs::remove_all(dir);
}

TEST_CASE("ncprof diff and merge write profiles go tool pprof reads the same", "[conformance][roundtrip]") {
  const std::string rt = test_data_dir() + "/go-runtime/";
  std::string dir = temp_dir("ncprof-rt");
  for (bool diff_base : {false, true}) {
    std::vector<std::string> args = {"diff", rt + "heap-1.pprof", rt + "heap-2.pprof", "-o", dir + "/d.pb.gz"};
    if (diff_base) args.push_back("--diff-base");
    auto r = run_ncprof(args);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.empty());
    auto ours = go_pprof_top({}, {dir + "/d.pb.gz"});
    auto theirs = go_pprof_top({std::string(diff_base ? "-diff_base=" : "-base=") + rt + "heap-1.pprof"},
                               {rt + "heap-2.pprof"});
    REQUIRE(ours.exit_code == 0);
    CHECK(table_rows(ours.out) == table_rows(theirs.out));
  }
  // Without -o, diff prints the table of the difference.
  auto printed = run_ncprof({"diff", rt + "goroutine-1.pprof", rt + "goroutine-2.pprof"}, {{"TZ", "UTC"}});
  auto expected = go_pprof_top({"-base=" + rt + "goroutine-1.pprof"}, {rt + "goroutine-2.pprof"});
  CHECK(table_rows(printed.out) == table_rows(expected.out));

  std::vector<std::string> inputs = {rt + "goroutine-1.pprof", rt + "goroutine-2.pprof"};
  auto m = run_ncprof({"merge", inputs[0], inputs[1], "-o", dir + "/m.pb.gz"});
  REQUIRE(m.exit_code == 0);
  CHECK(go_pprof_top({}, {dir + "/m.pb.gz"}).out == go_pprof_top({}, inputs).out);
  auto big = run_ncprof({"merge", test_data_dir() + "/cpu-long.pb.gz", rt + "cpu.pprof", "-o", dir + "/c.pb.gz"});
  REQUIRE(big.exit_code == 0);
  CHECK(table_rows(go_pprof_top({}, {dir + "/c.pb.gz"}).out) ==
        table_rows(go_pprof_top({}, {test_data_dir() + "/cpu-long.pb.gz", rt + "cpu.pprof"}).out));
  fs::remove_all(dir);
}

TEST_CASE("top with json format carries the same rows with raw numbers", "[top][json]") {
  const std::string f = test_data_dir() + "/go-runtime/heap-2.pprof";
  auto text = ncprof_top({}, {f});
  auto json = ncprof_top({"--format", "json"}, {f});
  REQUIRE(json.exit_code == 0);
  auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["sample_type"] == "inuse_space");
  CHECK(doc["unit"] == "bytes");
  auto rows = table_rows(text.out);
  REQUIRE(doc["rows"].size() == rows.size());
  std::int64_t flat_sum = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].find(doc["rows"][i]["name"].get<std::string>()) != std::string::npos);
    flat_sum += doc["rows"][i]["flat"].get<std::int64_t>();
  }
  CHECK(flat_sum == doc["shown"].get<std::int64_t>());
  CHECK(doc["total"].get<std::int64_t>() >= flat_sum);
}

TEST_CASE("drop_frames and keep_frames prune stacks as go tool pprof does", "[conformance][prune]") {
  std::string dir = temp_dir("ncprof-prune");
  auto p = ProfileBuilder::heap()
               .sample({"runtime.mallocgc", "runtime.newobject", "main.alloc", "main.main"}, {1, 64, 1, 64})
               .sample({"runtime.mallocgc", "runtime.makeslice", "main.grow", "main.main"}, {2, 128, 2, 128})
               .sample({"runtime.mallocgc>runtime.growslice", "main.grow", "main.main"}, {1, 32, 1, 32})
               .sample({"runtime.mallocgc", "runtime.keepme", "main.other(int)", "main.main"}, {4, 256, 4, 256})
               .sample({"runtime.mallocgc", "runtime.main"}, {1, 16, 1, 16})
               .build();
  p.drop_frames = "runtime\\..*";
  p.keep_frames = "runtime\\.keepme";
  write_file(dir + "/p.pb.gz", ncprof::profile::encode_profile(p));
  for (const auto& set : option_sets()) {
    auto go = go_pprof_top(set.go, {dir + "/p.pb.gz"});
    auto nc = ncprof_top(set.nc, {dir + "/p.pb.gz"});
    INFO(fmt_args(set.nc) << "\n" << go.out << "\n" << nc.out);
    REQUIRE(go.exit_code == 0);
    CHECK(nc.out == go.out);
  }
  // The pruning is real: runtime frames below user code are gone, except
  // those keep_frames keeps.
  auto out = ncprof_top({}, {dir + "/p.pb.gz"}).out;
  CHECK(out.find("runtime.newobject") == std::string::npos);
  CHECK(out.find("runtime.makeslice") == std::string::npos);
  CHECK(out.find("runtime.keepme") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("regular expressions are Go's (RE2): inline flags, classes, as go tool pprof reads them", "[conformance][regex]") {
  const std::string heap = test_data_dir() + "/go-runtime/heap-2.pprof";
  const std::string cpu = test_data_dir() + "/cpu-long.pb.gz";
  struct Case {
    std::string go, nc;
  };
  for (const auto& [flag, pattern] : std::vector<std::pair<std::string, std::string>>{
           {"focus", "(?i)RETAINBUFFER"},
           {"focus", "\\pL+\\.spin"},
           {"ignore", "[[:alpha:]]+\\.Sin"},
           {"hide", "^runtime\\."},
           {"show", "(?i:MAIN)\\."},
           {"focus", "math\\.(Sin|IsNaN)"}}) {
    for (const auto& file : {heap, cpu}) {
      auto go = go_pprof_top({"-" + flag + "=" + pattern}, {file});
      auto nc = ncprof_top({"--" + flag, pattern}, {file});
      INFO(flag << "=" << pattern << " on " << file << "\n" << go.out << go.err << "\n" << nc.out << nc.err);
      REQUIRE(go.exit_code == 0);
      REQUIRE(nc.exit_code == 0);
      CHECK(nc.out == go.out);
    }
  }
}
