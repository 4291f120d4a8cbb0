// Broken input: exit code 2, one line on stderr naming the file, nothing
// written.
#include <algorithm>
#include <filesystem>

#include <catch2/catch.hpp>

#include "ncprof/profile/codec.hpp"
#include "ncprof/util/gzip.hpp"
#include "support/builder.hpp"
#include "support/fixture.hpp"

using namespace ncprof::test;
namespace fs = std::filesystem;

namespace {

struct BrokenFile {
  std::string name;
  std::string data;
  std::string reason;  // expected in the message
};

std::vector<BrokenFile> broken_files() {
  auto good = ncprof::profile::encode_profile(
      ProfileBuilder::cpu().sample({"f", "main"}, {1, 10}).sample({"g", "main"}, {2, 20}).build());
  auto raw = *ncprof::util::gunzip(good, 1 << 20, "x");
  auto dup = ProfileBuilder::cpu().sample({"f", "main"}, {1, 10}).build();
  dup.functions[1].id = dup.functions[0].id;
  auto dangling = ProfileBuilder::cpu().sample({"f", "main"}, {1, 10}).build();
  dangling.samples[0].location_ids.push_back(77);
  return {
      {"empty.pb.gz", "", "empty file"},
      {"random.bin", std::string("\x01\x02\x03\xff\xfe\x00\x10garbage", 15), "not a valid pprof profile"},
      {"truncated.pb.gz", good.substr(0, good.size() / 2), "truncated gzip"},
      {"truncated.pb", raw.substr(0, raw.size() / 2), "truncated or corrupt|invalid profile"},
      {"page.pb.gz", "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n", "HTML page"},
      {"error.pb.gz", "404 page not found\n", "text, not a profile"},
      {"x.trace", std::string("go 1.19 trace\0\0\0\x01\x02\x03", 19), "Go execution trace, not a profile (open it with go tool trace)"},
      {"dup-ids.pb.gz", ncprof::profile::encode_profile(dup), "duplicate function id"},
      {"dangling.pb.gz", ncprof::profile::encode_profile(dangling), "missing location 77"},
      {"bomb.pb.gz", ncprof::util::gzip(std::string(3 << 20, '\0')), "exceeds the limit of 1 MiB"},
  };
}

void expect_clean_failure(const RunResult& r, const std::string& file, const std::string& reason) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find(file) != std::string::npos);
  bool named = false;
  for (std::size_t start = 0; start <= reason.size();) {
    std::size_t bar = std::min(reason.find('|', start), reason.size());
    named = named || r.err.find(reason.substr(start, bar - start)) != std::string::npos;
    start = bar + 1;
  }
  CHECK(named);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

}  // namespace

TEST_CASE("top, diff and merge refuse each broken input with exit 2 and leave no file", "[errors]") {
  std::string dir = temp_dir("ncprof-err");
  std::string good = dir + "/good.pb.gz";
  write_file(good, ncprof::profile::encode_profile(ProfileBuilder::cpu().sample({"f", "main"}, {1, 10}).build()));
  for (const auto& b : broken_files()) {
    std::string path = dir + "/" + b.name;
    write_file(path, b.data);
    INFO(b.name);
    expect_clean_failure(run_ncprof({"--max-decompressed", "1M", "top", path}), path, b.reason);
    std::string out = dir + "/out-" + b.name;
    expect_clean_failure(run_ncprof({"--max-decompressed", "1M", "diff", good, path, "-o", out}), path, b.reason);
    CHECK_FALSE(file_exists(out));
    expect_clean_failure(run_ncprof({"--max-decompressed", "1M", "merge", good, path, "-o", out}), path, b.reason);
    CHECK_FALSE(file_exists(out));
  }
  // No temporary files were left behind either.
  for (const auto& f : list_dir(dir)) CHECK(f.find(".tmp-") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a missing file, a directory and bad options are usage errors", "[errors]") {
  std::string dir = temp_dir("ncprof-err");
  expect_clean_failure(run_ncprof({"top", dir + "/nope.pb.gz"}), dir + "/nope.pb.gz", "No such file");
  expect_clean_failure(run_ncprof({"top", dir}), dir, "is a directory");
  std::string good = dir + "/good.pb.gz";
  write_file(good, ncprof::profile::encode_profile(ProfileBuilder::heap().sample({"f"}, {1, 2, 3, 4}).build()));
  auto bad_index = run_ncprof({"top", good, "--sample-index", "bogus"});
  CHECK(bad_index.exit_code == 2);
  CHECK(bad_index.err.find("inuse_space") != std::string::npos);
  auto bad_re = run_ncprof({"top", good, "--focus", "(unclosed"});
  CHECK(bad_re.exit_code == 2);
  CHECK(bad_re.err.find("focus") != std::string::npos);
  CHECK(run_ncprof({"top"}).exit_code == 2);
  CHECK(run_ncprof({"top", good, "--granularity", "bytes"}).exit_code == 2);
  CHECK(run_ncprof({"frobnicate"}).exit_code == 2);
  auto mixed = run_ncprof({"merge", good, test_data_dir() + "/go-runtime/cpu.pprof", "-o", dir + "/m.pb.gz"});
  CHECK(mixed.exit_code == 2);
  CHECK(mixed.err.find("incompatible") != std::string::npos);
  CHECK_FALSE(file_exists(dir + "/m.pb.gz"));
  fs::remove_all(dir);
}

TEST_CASE("a local disk that refuses a write is exit 2 naming the file, with nothing left behind", "[errors]") {
  // A file size limit (ulimit -f, SIGXFSZ ignored) makes write(2) fail as
  // a full disk would, without needing a full disk.
  std::string dir = temp_dir("ncprof-disk");
  const std::string heap1 = test_data_dir() + "/go-runtime/heap-1.pprof";
  const std::string heap2 = test_data_dir() + "/go-runtime/heap-2.pprof";
  const std::string out = dir + "/merged.pb.gz";
  auto r = run({"sh", "-c", "ulimit -f 1; trap '' XFSZ; exec \"$0\" merge \"$1\" \"$2\" -o \"$3\"", ncprof_bin(), heap1,
                heap2, out});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(out) != std::string::npos);
  CHECK(r.err.find("write failed") != std::string::npos);
  CHECK_FALSE(file_exists(out));
  CHECK(list_dir(dir).empty());
  // The same merge without the limit works: the limit was the only cause.
  CHECK(run_ncprof({"merge", heap1, heap2, "-o", out}).exit_code == 0);
  fs::remove_all(dir);
}
