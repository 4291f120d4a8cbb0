#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "ncprof/profile/top.hpp"
#include "support/builder.hpp"

using namespace ncprof;
using ncprof::test::ProfileBuilder;

namespace {
const profile::TopRow* row(const profile::TopReport& r, const std::string& name) {
  for (const auto& x : r.rows) {
    if (x.name == name) return &x;
  }
  return nullptr;
}
profile::TopReport top(const profile::Profile& p, profile::TopOptions o = {}) {
  auto r = profile::compute_top(p, o);
  REQUIRE(r);
  return *r;
}
}  // namespace

TEST_CASE("flat goes to the leaf, cum once per sample even under recursion", "[profile][top]") {
  auto p = ProfileBuilder::cpu()
               .sample({"leaf", "rec", "rec", "main"}, {1, 100})
               .sample({"rec", "main"}, {1, 50})
               .sample({"other", "main"}, {1, 10})
               .build();
  auto r = top(p);
  CHECK(r.total == 160);
  CHECK(r.sample_type == "cpu");
  REQUIRE(r.rows.size() == 4);
  CHECK(r.rows[0].name == "leaf");
  CHECK(row(r, "rec")->flat == 50);
  CHECK(row(r, "rec")->cum == 150);
  CHECK(row(r, "main")->cum == 160);
  CHECK(row(r, "main")->flat == 0);
  std::int64_t flat_sum = 0;
  for (const auto& x : r.rows) flat_sum += x.flat;
  CHECK(flat_sum == r.total);  // nothing trimmed: flats add up to the total
}

TEST_CASE("rows sort by flat then name, --cum sorts by cum", "[profile][top]") {
  auto p = ProfileBuilder::cpu().sample({"b", "main"}, {1, 10}).sample({"a", "main"}, {1, 10}).build();
  auto r = top(p);
  CHECK(r.rows[0].name == "a");
  CHECK(r.rows[1].name == "b");
  CHECK(r.rows[2].name == "main");
  profile::TopOptions o;
  o.cum_sort = true;
  CHECK(top(p, o).rows[0].name == "main");
}

TEST_CASE("inlined frames are their own nodes and say so", "[profile][top]") {
  auto p = ProfileBuilder::cpu().sample({"inner>outer", "main"}, {1, 10}).build();
  auto r = top(p);
  REQUIRE(row(r, "inner"));
  CHECK(row(r, "inner")->inline_label == "(inline)");
  CHECK(row(r, "inner")->flat == 10);
  CHECK(row(r, "outer")->cum == 10);
  CHECK(row(r, "outer")->inline_label.empty());
}

TEST_CASE("nodes below 0.5% of the total are trimmed unless asked not to", "[profile][top]") {
  auto p = ProfileBuilder::cpu().sample({"big"}, {1, 1000}).sample({"tiny"}, {1, 4}).build();
  auto r = top(p);
  CHECK(row(r, "tiny") == nullptr);
  CHECK(r.dropped_nodes == 1);
  profile::TopOptions o;
  o.trim = false;
  CHECK(row(top(p, o), "tiny") != nullptr);
  o = {};
  o.node_count = 1;
  CHECK(top(p, o).rows.size() == 1);
}

TEST_CASE("focus, ignore, hide and show filter as pprof does", "[profile][top]") {
  auto p = ProfileBuilder::cpu()
               .sample({"json.Marshal", "handler.Get", "main"}, {1, 30})
               .sample({"sql.Query", "handler.List", "main"}, {1, 70})
               .build();
  profile::TopOptions o;
  o.focus = "handler\\.Get";
  auto f = top(p, o);
  CHECK(f.total == 100);  // the total is taken before focusing
  CHECK(row(f, "sql.Query") == nullptr);
  CHECK(row(f, "json.Marshal")->flat == 30);
  CHECK(f.active_filters == std::vector<std::string>{"focus=handler\\.Get"});

  o = {};
  o.ignore = "sql";
  CHECK(row(top(p, o), "handler.List") == nullptr);

  o = {};
  o.hide = "^(json|sql)\\.";
  auto h = top(p, o);
  CHECK(row(h, "json.Marshal") == nullptr);
  CHECK(row(h, "handler.List")->flat == 70);  // the caller becomes the leaf

  o = {};
  o.show = "handler";
  auto s = top(p, o);
  REQUIRE(s.rows.size() == 2);
  CHECK(row(s, "main") == nullptr);

  o = {};
  o.focus = "nothing-matches";
  auto none = top(p, o);
  CHECK(none.rows.empty());
  CHECK(none.warnings == std::vector<std::string>{"Focus expression matched no samples"});

  o = {};
  o.focus = "(";
  auto bad = profile::compute_top(p, o);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::usage);
}

TEST_CASE("granularities name nodes as pprof does", "[profile][top]") {
  auto p = ProfileBuilder::cpu().sample({"pkg.f", "main.main"}, {1, 10}).build();
  profile::TopOptions o;
  o.granularity = profile::Granularity::lines;
  CHECK(top(p, o).rows[0].name == "pkg.f /src/pkg.go:12");
  o.granularity = profile::Granularity::files;
  CHECK(top(p, o).rows[0].name == "/src/pkg.go");
  o.granularity = profile::Granularity::addresses;
  CHECK(top(p, o).rows[0].name == fmt::format("{:016x} pkg.f /src/pkg.go:12", p.locations[0].address));
}

TEST_CASE("sample index by name, legacy name and number", "[profile][top]") {
  auto p = ProfileBuilder::heap().sample({"f"}, {1, 2, 3, 4}).build();
  profile::TopOptions o;
  CHECK(top(p, o).total == 4);
  o.sample_index = "alloc_space";
  CHECK(top(p, o).total == 2);
  o.sample_index = "0";
  CHECK(top(p, o).total == 1);
  o.sample_index = "nope";
  auto bad = profile::compute_top(p, o);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("alloc_objects, alloc_space, inuse_objects, inuse_space") != std::string::npos);
}

TEST_CASE("a diff is measured against the absolute total, diff_base against the base", "[profile][top]") {
  auto p = ProfileBuilder::cpu().sample({"grew"}, {1, 300}).sample({"shrank"}, {1, -100}).build();
  CHECK(top(p).total == 400);
  p.samples[1].labels = {{"pprof::base", "true", 0, ""}};
  CHECK(top(p).total == 100);
}

TEST_CASE("clean_path is Go's path.Clean", "[profile][top]") {
  CHECK(profile::clean_path("/a/b/../c//d/./e.go") == "/a/c/d/e.go");
  CHECK(profile::clean_path("../x/./y") == "../x/y");
  CHECK(profile::clean_path("") == ".");
  CHECK(profile::clean_path("/..") == "/");
}
