#include <catch2/catch.hpp>

#include "ncprof/profile/merge.hpp"
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
