// Hostile input must not crash, hang or balloon: each case here was a
// crash, a hang or gigabytes of memory once (issue 9). Inputs are built in
// the test.
#include <climits>
#include <string>

#include <catch2/catch.hpp>

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
