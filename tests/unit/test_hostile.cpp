// Hostile input must not crash, hang or balloon: each case here was a
// crash, a hang or gigabytes of memory once (issue 9). Inputs are built in
// the test.
#include <sys/resource.h>

#include <climits>
#include <string>

#include <catch2/catch.hpp>

#include "ncprof/bench/benchfmt.hpp"
#include "ncprof/bench/benchstat.hpp"
#include "ncprof/leak/goroutines.hpp"
#include "ncprof/profile/codec.hpp"
#include "ncprof/profile/measure.hpp"
#include "ncprof/profile/prune.hpp"
#include "ncprof/profile/top.hpp"
#include "ncprof/util/gzip.hpp"
#include "support/builder.hpp"

using namespace ncprof;
using ncprof::test::ProfileBuilder;

namespace {

// Top table and text of a profile, through encode and decode as a file would go.
std::string top_text(const profile::Profile& p, const std::string& sample_index = "") {
  auto bytes = profile::encode_profile(p);
  auto decoded = profile::decode_profile(bytes, "p.pb.gz", {});
  REQUIRE(decoded);
  profile::TopOptions opts;
  opts.sample_index = sample_index;
  auto report = profile::compute_top(*decoded, opts);
  REQUIRE(report);
  return profile::render_top_text(*decoded, *report);
}

}  // namespace

TEST_CASE("INT64_MIN and INT64_MAX values: no crash, sums wrap as Go's do", "[hostile]") {
  auto p = ProfileBuilder::cpu()
               .sample({"f", "main"}, {1, INT64_MIN})
               .sample({"g", "main"}, {1, INT64_MAX})
               .sample({"h", "main"}, {1, INT64_MAX})
               .build();
  auto text = top_text(p, "cpu");
  CHECK(text.find("main") != std::string::npos);
  // INT64_MIN + INT64_MAX + INT64_MAX wraps to INT64_MAX - 1 in Go.
  CHECK(profile::total_value(p, 1) == INT64_MAX - 1);
}

TEST_CASE("a profile's own drop_frames cannot hang or overflow the stack", "[hostile][regex]") {
  const std::string long_name(40, 'a');
  auto base = ProfileBuilder::cpu().sample({long_name, "main.main"}, {1, 10}).sample({"f", "main.main"}, {1, 5});
  // Deeply nested groups (std::regex recursed until the stack overflowed):
  // compiled within bounded memory, or refused naming drop_frames.
  for (std::size_t depth : {5000, 200000}) {
    auto nested = base.build();
    nested.drop_frames = std::string(depth, '(') + "a" + std::string(depth, ')');
    auto r = profile::remove_uninteresting(nested);
    if (!r) CHECK(r.error().message.find("drop_frames") != std::string::npos);
  }
  // A catastrophic backtracking pattern: linear time with RE2.
  auto backtrack = base.build();
  backtrack.drop_frames = "(a*)*b";
  CHECK(profile::remove_uninteresting(backtrack));
  profile::TopOptions opts;
  opts.focus = "(a|aa)+$";
  auto report = profile::compute_top(backtrack, opts);
  CHECK(report);
}

namespace {

// Protobuf wire helpers for hand-made hostile profiles.
std::string varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}
std::string field_len(std::uint32_t field, const std::string& data) {
  return varint(field << 3 | 2) + varint(data.size()) + data;
}
std::string field_varint(std::uint32_t field, std::uint64_t v) { return varint(field << 3) + varint(v); }

long max_rss_kb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

}  // namespace

TEST_CASE("a packed field repeated in many chunks appends in linear time", "[hostile]") {
  // One sample whose location_ids come in 300,000 packed chunks of one
  // value each (a quadratic append took minutes here).
  std::string sample;
  for (int i = 0; i < 300000; ++i) sample += field_len(1, varint(1));
  std::string p = field_len(2, sample) + field_len(6, "") + field_len(6, "x");
  auto r = profile::decode_profile(p, "chunks.pb", {});
  // Whatever the verdict (location 1 does not exist), it comes back.
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("chunks.pb") == 0);
}

TEST_CASE("labels pointing at one huge string do not balloon memory", "[hostile]") {
  const long before = max_rss_kb();
  std::string table = field_len(6, "") + field_len(6, "key") + field_len(6, std::string(1 << 20, 'x'));
  std::string type = field_len(1, field_varint(1, 1) + field_varint(2, 1));
  SECTION("the same label set in every sample is one copy") {
    std::string sample = field_len(2, field_varint(2, 1) + field_len(3, field_varint(1, 1) + field_varint(2, 2)));
    std::string samples;
    for (int i = 0; i < 20000; ++i) samples += sample;  // 20,000 x 1 MiB if copied
    auto r = profile::decode_profile(type + samples + table, "labels.pb", {});
    REQUIRE(r);
    REQUIRE(r->samples.size() == 20000);
    CHECK(r->samples.front().labels.same_copy(r->samples.back().labels));
    CHECK(r->samples.back().labels[0].str.size() == 1u << 20);
  }
  SECTION("distinct label sets that all copy it are refused") {
    std::string samples;
    for (int i = 0; i < 20000; ++i) {
      samples += field_len(2, field_varint(2, 1) + field_len(3, field_varint(1, 1) + field_varint(2, 2) +
                                                                     field_varint(3, static_cast<std::uint64_t>(i))));
    }
    auto r = profile::decode_profile(type + samples + table, "labels.pb", {});
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("labels.pb: ") == 0);
    CHECK(r.error().message.find("referenced") != std::string::npos);
  }
  CHECK(max_rss_kb() - before < 300 * 1024);
}

TEST_CASE("location ids past 32 bits are renumbered, and a missing one is named", "[hostile][codec]") {
  const std::uint64_t big = (1ull << 40) + 5;
  const std::string table = field_len(6, "") + field_len(6, "samples") + field_len(6, "count") + field_len(6, "main.f") +
                            field_len(6, "main.g");
  const std::string head = field_len(1, field_varint(1, 1) + field_varint(2, 2)) +
                           field_len(5, field_varint(1, 1) + field_varint(2, 3)) +
                           field_len(5, field_varint(1, 2) + field_varint(2, 4));
  // Two locations, the first with an id past 2^32, the second small.
  const std::string locations = field_len(4, field_varint(1, big) + field_len(4, field_varint(1, 1))) +
                                field_len(4, field_varint(1, 9) + field_len(4, field_varint(1, 2)));
  auto sample = [](std::uint64_t leaf, std::uint64_t caller, std::uint64_t v) {
    return field_len(2, field_len(1, varint(leaf) + varint(caller)) + field_varint(2, v));
  };
  auto r = profile::decode_profile(head + sample(big, 9, 7) + sample(9, 9, 3) + locations + table, "wide.pb", {});
  REQUIRE(r);
  REQUIRE(r->locations.size() == 2);
  CHECK(r->locations[0].id == 1);
  CHECK(r->locations[1].id == 2);
  CHECK(r->samples[0].location_ids == std::vector<profile::LocationRef>{1, 2});
  profile::TopOptions opts;
  auto report = profile::compute_top(*r, opts);
  REQUIRE(report);
  REQUIRE(report->rows.size() == 2);
  CHECK(report->rows[0].name == "main.f");
  CHECK(report->rows[0].flat == 7);
  CHECK(report->rows[1].cum == 10);
  // A sample pointing past every location, with or without renumbering.
  for (const std::string& locs : {locations, field_len(4, field_varint(1, 9) + field_len(4, field_varint(1, 2)))}) {
    auto missing = profile::decode_profile(head + sample(9, 1ull << 41, 1) + locs + table, "wide.pb", {});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message == "wide.pb: invalid profile: sample 0 refers to missing location 2199023255552");
  }
}

TEST_CASE("gzip: a lying header, and several members, stay within the limit", "[hostile][gzip]") {
  const long before = max_rss_kb();
  // A tiny stream whose trailer claims 1 GiB.
  std::string liar = util::gzip("abc");
  liar.replace(liar.size() - 4, 4, std::string("\x00\x00\x00\x40", 4));
  CHECK_FALSE(util::gunzip(liar, 1ull << 30, "liar.gz"));
  // 300 members of 1 MiB of zeros: 300 MiB, refused at a 64 MiB limit.
  const std::string member = util::gzip(std::string(1 << 20, '\0'));
  std::string many = util::gzip("small");
  for (int i = 0; i < 300; ++i) many += member;
  auto r = util::gunzip(many, 64ull << 20, "many.gz");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("exceeds the limit") != std::string::npos);
  CHECK(max_rss_kb() - before < 250 * 1024);
  // Several members within the limit inflate to all of them.
  auto two = util::gunzip(util::gzip("ab") + util::gzip("cd"), 1 << 20, "two.gz");
  REQUIRE(two);
  CHECK(*two == "abcd");
}

TEST_CASE("goroutine dumps with absurd counts are refused, sums never wrap", "[hostile][goroutines]") {
  auto r = leak::parse_goroutines(
      "goroutine profile: total 2\n9223372036854775807 @ 0x1\n#\t0x1\tmain.f+0x1\tf.go:1\n\n"
      "9223372036854775807 @ 0x2\n#\t0x2\tmain.g+0x1\tg.go:1\n",
      "huge.txt");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("huge.txt:2:") == 0);
}

TEST_CASE("a benchmark file of many configuration keys and results stays linear", "[hostile][bench]") {
  // About 1 MB: configuration lines and results interleaved (this took
  // minutes and gigabytes when each result copied the configuration).
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text += "key" + std::to_string(i % 400) + ": value" + std::to_string(i) + "\n";
    text += "BenchmarkX-8 100 " + std::to_string(1000 + i % 7) + " ns/op\n";
  }
  bench::BenchData d;
  bench::parse_bench(text, "many.txt", d);
  CHECK(d.results.size() == 20000);
  // Keys past the cap are reported with their line and ignored.
  REQUIRE(!d.errors.empty());
  CHECK(d.errors.front().text().find("many.txt:") == 0);
  CHECK(d.errors.front().message.find("configuration keys") != std::string::npos);
  auto tables = bench::build_tables(d, {0.05, 0.95});
  CHECK(!tables.empty());
  // The configuration of a result is what the lines before it set.
  auto cfg = d.config_of(d.results[5]);
  REQUIRE(cfg.size() == 6);
  CHECK(cfg[5] == std::pair<std::string, std::string>{"key5", "value5"});
}
