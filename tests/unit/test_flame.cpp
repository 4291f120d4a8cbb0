// The flame graph's call tree: every node equals the total of its subtree,
// children never exceed their parent, residues keep totals exact.
#include <catch2/catch.hpp>

#include <random>

#include "ncprof/profile/merge.hpp"
#include "ncprof/render/flame.hpp"
#include "support/builder.hpp"

using ncprof::render::build_flame_tree;
using ncprof::render::FlameOptions;
using ncprof::render::FlameTree;
using ncprof::test::ProfileBuilder;

namespace {

std::int64_t children_sum(const FlameTree& t, std::size_t ty, std::size_t node) {
  std::int64_t sum = 0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (static_cast<std::size_t>(t.parent[i]) == node) sum += t.value[ty][i];
  }
  return sum;
}

// The node under `path` of names from the root, or -1.
int find_path(const FlameTree& t, const std::vector<std::string>& path) {
  int at = 0;
  for (const auto& name : path) {
    int found = -1;
    for (std::size_t i = 1; i < t.size(); ++i) {
      if (t.parent[i] == at && t.name[i] >= 0 && t.names[static_cast<std::size_t>(t.name[i])] == name) {
        found = static_cast<int>(i);
      }
    }
    if (found < 0) return -1;
    at = found;
  }
  return at;
}

}  // namespace

TEST_CASE("flame tree: stacks root to leaf, values add up per path and per type", "[flame]") {
  auto p = ProfileBuilder::heap()
               .sample({"main.leaf", "main.mid", "main.main"}, {1, 100, 1, 100})
               .sample({"main.other", "main.mid", "main.main"}, {2, 200, 0, 0})
               .sample({"main.mid", "main.main"}, {3, 300, 3, 300})
               .sample({"main.inl>main.caller", "main.main"}, {4, 400, 4, 400})
               .build();
  FlameOptions o;
  o.min_fraction = 0;
  auto t = build_flame_tree(p, o);
  REQUIRE(t);
  CHECK_FALSE(t->has_base);
  CHECK(t->samples == 4);
  CHECK(t->value[1][0] == 1000);  // root: alloc_space total
  CHECK(t->value[3][0] == 800);   // inuse_space total
  const int mid = find_path(*t, {"main.main", "main.mid"});
  REQUIRE(mid > 0);
  CHECK(t->value[1][static_cast<std::size_t>(mid)] == 600);
  CHECK(t->value[3][static_cast<std::size_t>(mid)] == 400);
  // An inlined call is a frame of its own, under its caller.
  const int inl = find_path(*t, {"main.main", "main.caller", "main.inl"});
  REQUIRE(inl > 0);
  CHECK(t->value[1][static_cast<std::size_t>(inl)] == 400);
  for (std::size_t ty = 0; ty < 4; ++ty) {
    for (std::size_t n = 0; n < t->size(); ++n) {
      CHECK(children_sum(*t, ty, n) <= t->value[ty][n]);
      if (n > 0) CHECK(static_cast<std::size_t>(t->parent[n]) < n);  // parents come first
    }
  }
}

TEST_CASE("flame tree: frames too small to see fold into one residue per parent, totals exact", "[flame]") {
  ProfileBuilder b = ProfileBuilder::cpu();
  b.sample({"main.big", "main.main"}, {100000, 1000000});  // big in both types
  std::mt19937 rng(7);
  std::int64_t total = 1000000;
  for (int i = 0; i < 500; ++i) {
    const std::int64_t v = 1 + static_cast<std::int64_t>(rng() % 50);
    b.sample({"main.tiny" + std::to_string(i), "main.spread", "main.main"}, {1, v});
    total += v;
  }
  const auto p = b.build();
  FlameOptions all;
  all.min_fraction = 0;
  auto full = build_flame_tree(p, all);
  REQUIRE(full);
  FlameOptions pruned;
  pruned.min_fraction = 0.0001;  // 0.01%: each tiny frame is below it
  auto t = build_flame_tree(p, pruned);
  REQUIRE(t);
  CHECK(full->size() == 504);  // root, main, big, spread, 500 tiny
  CHECK(t->size() < 10);
  CHECK(t->residue_nodes == 1);
  CHECK(t->folded_nodes == 500);
  CHECK(t->value[1][0] == total);
  const int spread = find_path(*t, {"main.main", "main.spread"});
  REQUIRE(spread > 0);
  // The residue holds exactly what the folded frames held.
  CHECK(children_sum(*t, 1, static_cast<std::size_t>(spread)) == t->value[1][static_cast<std::size_t>(spread)]);
  bool residue_found = false;
  for (std::size_t n = 0; n < t->size(); ++n) {
    if (t->name[n] == FlameTree::kResidue) {
      residue_found = true;
      CHECK(t->parent[n] == spread);
      CHECK(t->value[1][n] == total - 1000000);
    }
  }
  CHECK(residue_found);
  // A node cap folds the deeper levels too, still exactly.
  FlameOptions capped = all;
  capped.max_nodes = 5;
  auto c = build_flame_tree(p, capped);
  REQUIRE(c);
  CHECK(c->capped);
  CHECK(c->value[1][0] == total);
}

TEST_CASE("flame tree: a difference keeps the base side apart, positive", "[flame]") {
  auto now = ProfileBuilder::heap()
                 .sample({"main.grow", "main.main"}, {0, 0, 10, 5000})
                 .sample({"main.steady", "main.main"}, {0, 0, 1, 100})
                 .build();
  auto before = ProfileBuilder::heap()
                    .sample({"main.grow", "main.main"}, {0, 0, 1, 1000})
                    .sample({"main.steady", "main.main"}, {0, 0, 1, 100})
                    .sample({"main.gone", "main.main"}, {0, 0, 1, 300})
                    .build();
  auto d = ncprof::profile::subtract_base(now, before, true, "now", "before");
  REQUIRE(d);
  FlameOptions o;
  o.min_fraction = 0;
  auto t = build_flame_tree(*d, o);
  REQUIRE(t);
  REQUIRE(t->has_base);
  CHECK(t->value[3][0] == 5100);
  CHECK(t->base[3][0] == 1400);
  const auto grow = static_cast<std::size_t>(find_path(*t, {"main.main", "main.grow"}));
  const auto gone = static_cast<std::size_t>(find_path(*t, {"main.main", "main.gone"}));
  CHECK(t->value[3][grow] == 5000);
  CHECK(t->base[3][grow] == 1000);
  CHECK(t->value[3][gone] == 0);
  CHECK(t->base[3][gone] == 300);
}

TEST_CASE("flame tree: focus, hide and granularity as top applies them", "[flame]") {
  auto p = ProfileBuilder::cpu()
               .sample({"main.a", "runtime.goexit"}, {1, 10})
               .sample({"main.b", "runtime.goexit"}, {1, 20})
               .build();
  FlameOptions o;
  o.min_fraction = 0;
  o.frames.focus = "main\\.b";
  o.frames.hide = "runtime";
  auto t = build_flame_tree(p, o);
  REQUIRE(t);
  CHECK(t->value[1][0] == 20);
  CHECK(find_path(*t, {"main.b"}) > 0);
  CHECK(find_path(*t, {"runtime.goexit"}) < 0);
  o.frames.focus = "(unclosed";
  CHECK_FALSE(build_flame_tree(p, o));
}
