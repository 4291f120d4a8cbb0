#include <catch2/catch.hpp>

#include "ncprof/profile/merge.hpp"
#include "ncprof/profile/top.hpp"
#include "support/builder.hpp"

using namespace ncprof;
using ncprof::test::ProfileBuilder;

namespace {
std::int64_t value_of(const profile::Profile& p, const std::string& leaf, std::size_t index) {
  std::int64_t sum = 0;
  for (const auto& s : p.samples) {
    const auto& loc = p.locations[s.location_ids[0] - 1];
    for (const auto& f : p.functions) {
      if (f.id == loc.lines[0].function_id && f.name == leaf) sum += s.values[index];
    }
  }
  return sum;
}
}  // namespace

TEST_CASE("merge adds samples with the same stack and labels", "[profile][merge]") {
  auto a = ProfileBuilder::cpu().sample({"f", "main"}, {1, 10}).sample({"g", "main"}, {2, 20}).build();
  auto b = ProfileBuilder::cpu().sample({"g", "main"}, {3, 30}).sample({"h", "main"}, {4, 40}).build();
  a.duration_nanos = 5;
  b.duration_nanos = 7;
  a.time_nanos = 200;
  b.time_nanos = 100;
  b.period = 20000000;
  auto m = profile::merge_profiles({&a, &b}, {"a", "b"});
  REQUIRE(m);
  CHECK(m->samples.size() == 3);
  CHECK(value_of(*m, "g", 1) == 50);
  CHECK(value_of(*m, "f", 1) == 10);
  CHECK(value_of(*m, "h", 1) == 40);
  CHECK(m->duration_nanos == 12);
  CHECK(m->time_nanos == 100);
  CHECK(m->period == 20000000);
  CHECK(m->functions.size() == 4);
}

TEST_CASE("samples with different labels stay apart", "[profile][merge]") {
  auto a = ProfileBuilder::cpu().sample({"f"}, {1, 10}, {{"k", "x", 0, ""}}).sample({"f"}, {1, 10}, {{"k", "y", 0, ""}}).build();
  auto m = profile::merge_profiles({&a, &a}, {"a", "a"});
  REQUIRE(m);
  CHECK(m->samples.size() == 2);
  CHECK(m->samples[0].values[1] == 20);
}

TEST_CASE("merge refuses different sample types", "[profile][merge]") {
  auto a = ProfileBuilder::cpu().sample({"f"}, {1, 10}).build();
  auto b = ProfileBuilder::heap().sample({"f"}, {1, 2, 3, 4}).build();
  auto m = profile::merge_profiles({&a, &b}, {"cpu.pb.gz", "heap.pb.gz"});
  REQUIRE_FALSE(m);
  CHECK(m.error().message.find("heap.pb.gz: incompatible") == 0);
}

TEST_CASE("subtracting a base leaves the growth, equal samples vanish", "[profile][merge]") {
  auto base = ProfileBuilder::heap().sample({"a"}, {1, 100, 1, 100}).sample({"b"}, {1, 50, 1, 50}).build();
  auto now = ProfileBuilder::heap().sample({"a"}, {1, 100, 1, 100}).sample({"b"}, {3, 150, 3, 150}).build();
  auto d = profile::subtract_base(now, base, false, "now", "base");
  REQUIRE(d);
  REQUIRE(d->samples.size() == 1);
  CHECK(value_of(*d, "b", 3) == 100);

  auto dd = profile::subtract_base(now, base, true, "now", "base");
  REQUIRE(dd);
  int labelled = 0;
  for (const auto& s : dd->samples) {
    for (const auto& l : s.labels) labelled += l.key == profile::kBaseLabel && l.str == "true";
  }
  CHECK(labelled == 2);  // base samples keep their label, so they do not cancel
}

TEST_CASE("scale rounds and drops samples that become zero", "[profile][merge]") {
  auto p = ProfileBuilder::cpu().sample({"f"}, {1, 3}).sample({"g"}, {0, 1}).build();
  profile::scale_profile(p, 0.4);
  REQUIRE(p.samples.size() == 1);
  CHECK(p.samples[0].values == std::vector<std::int64_t>{0, 1});
}

TEST_CASE("SampleUse::summed concatenates only where the sums and the total of |values| stay those of the merge", "[profile][merge]") {
  using profile::SampleUse;
  auto now = ProfileBuilder::heap().sample({"a"}, {1, 100, 1, 100}).sample({"a"}, {1, 100, 1, 100}).build();
  auto base = ProfileBuilder::heap().sample({"a"}, {1, 100, 1, 100}).build();
  // -diff_base: the base's samples are labelled, so no sample of one side
  // can combine with one of the other: concatenated (within a side, equal
  // samples stay two, which no sum sees).
  auto dd = profile::subtract_base(now, base, true, "now", "base", false, SampleUse::summed);
  REQUIRE(dd);
  CHECK(dd->samples.size() == 3);
  auto combined = profile::subtract_base(now, base, true, "now", "base", false, SampleUse::combined);
  REQUIRE(combined);
  CHECK(combined->samples.size() == 2);
  profile::TopOptions o;
  auto t1 = profile::compute_top(*dd, o), t2 = profile::compute_top(*combined, o);
  REQUIRE(t1);
  REQUIRE(t2);
  CHECK(t1->total == t2->total);
  REQUIRE(t1->rows.size() == t2->rows.size());
  CHECK(t1->rows[0].flat == t2->rows[0].flat);

  // -base: equal samples of the two sides cancel, which changes the total
  // of |values|: combined whatever the caller asks.
  auto d = profile::subtract_base(now, base, false, "now", "base", false, SampleUse::summed);
  REQUIRE(d);
  CHECK(d->samples.size() == 1);
  CHECK(value_of(*d, "a", 3) == 100);

  // An input with both signs (a saved difference) is combined too.
  auto mixed = ProfileBuilder::heap().sample({"a"}, {1, 100, 1, 100}).sample({"a"}, {-1, -100, -1, -100}).build();
  std::vector<profile::Profile> inputs;
  inputs.push_back(mixed);
  inputs.push_back(now);
  auto m = profile::merge_owned_profiles(std::move(inputs), {"mixed", "now"}, SampleUse::summed);
  REQUIRE(m);
  CHECK(m->samples.size() == 1);
  // Inputs of one sign: concatenated.
  std::vector<profile::Profile> same;
  same.push_back(now);
  same.push_back(base);
  auto s = profile::merge_owned_profiles(std::move(same), {"now", "base"}, SampleUse::summed);
  REQUIRE(s);
  CHECK(s->samples.size() == 3);
}
