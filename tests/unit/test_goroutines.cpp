#include <algorithm>
#include <catch2/catch.hpp>

#include "ncprof/leak/goroutines.hpp"
#include "support/fixture.hpp"

using namespace ncprof;
using ncprof::test::test_data_dir;
using ncprof::test::read_file;

namespace {
const leak::GoroutineGroup* find_leaf(const leak::GoroutineDump& d, const std::string& fn) {
  for (const auto& g : d.groups) {
    for (const auto& f : g.frames) {
      if (f == fn) return &g;
    }
  }
  return nullptr;
}
}  // namespace

TEST_CASE("debug=1 dumps group by stack with counts", "[leak][goroutines]") {
  auto path = test_data_dir() + "/go-runtime/goroutine-1.txt";
  auto d = leak::parse_goroutines(read_file(path), path);
  REQUIRE(d);
  CHECK(d->format == "debug=1");
  // The header's total, and the groups add up to it.
  const std::string text = read_file(path);
  CHECK(d->total == std::stoll(text.substr(text.find("total ") + 6)));
  std::int64_t sum = 0;
  for (const auto& g : d->groups) sum += g.count;
  CHECK(sum == d->total);
  REQUIRE(!d->groups.empty());
  // The leak (5 a second, captured after 2 s) is the largest group.
  CHECK(d->groups[0].count >= 5);
  CHECK(d->groups[0].frames == std::vector<std::string>{"main.stuckSubscriber"});
  const auto* accept = find_leaf(*d, "net/http.(*Server).Serve");
  REQUIRE(accept);
  CHECK(accept->frames[0] == "internal/poll.runtime_pollWait");
}

TEST_CASE("debug=2 dumps group by state and stack, with waits", "[leak][goroutines]") {
  auto path = test_data_dir() + "/go-runtime/goroutine-2.txt";
  auto text = read_file(path);
  auto d = leak::parse_goroutines(text, path);
  REQUIRE(d);
  CHECK(d->format == "debug=2");
  std::int64_t headers = 0;
  for (std::size_t p = 0; (p = text.find("\ngoroutine ", p)) != std::string::npos; ++p) ++headers;
  CHECK(d->total == headers + 1);  // the first header starts the file
  const auto* stuck = find_leaf(*d, "main.stuckSubscriber");
  REQUIRE(stuck);
  CHECK(stuck->state == "chan receive");
  CHECK(stuck->frames.front() == "main.stuckSubscriber");
  CHECK(stuck->created_by == "main.leakGoroutineLoop");
  const auto* io = find_leaf(*d, "net/http.(*Server).Serve");
  REQUIRE(io);
  CHECK(io->state == "IO wait");
}

TEST_CASE("protobuf goroutine profiles and growth between two dumps", "[leak][goroutines]") {
  auto p1 = test_data_dir() + "/go-runtime/goroutine-1.pprof";
  auto p2 = test_data_dir() + "/go-runtime/goroutine-2.pprof";
  auto a = leak::parse_goroutines(read_file(p1), p1);
  auto b = leak::parse_goroutines(read_file(p2), p2);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->format == "protobuf");
  std::int64_t sum = 0;
  for (const auto& g : a->groups) sum += g.count;
  CHECK(a->total == sum);
  CHECK(b->total > a->total);  // the fixture leaks goroutines between the two
  auto growth = leak::goroutine_growth(*a, *b);
  REQUIRE(!growth.empty());
  const auto& top = growth.front();
  CHECK(std::find(top.group.frames.begin(), top.group.frames.end(), "main.stuckSubscriber") != top.group.frames.end());
  CHECK(top.growth() == top.now - top.base);
  CHECK(top.growth() > 0);
}

TEST_CASE("broken goroutine text is a clear error with the line", "[leak][goroutines]") {
  auto err = [](const std::string& text) {
    auto r = leak::parse_goroutines(text, "dump.txt");
    REQUIRE_FALSE(r);
    return r.error().message;
  };
  CHECK(err("goroutine profile: total 2\n1 @ 0x1\n#\t0x1\tmain.f+0x1\tf.go:1\n\nnonsense\n").find("dump.txt:5:") == 0);
  CHECK(err("goroutine profile: total 9\n1 @ 0x1\n#\t0x1\tmain.f+0x1\tf.go:1\n").find("header says 9") !=
        std::string::npos);
  CHECK(err("goroutine 1 [running]:\n\tfile.go:1 +0x1\n").find("dump.txt:2: a file line without") == 0);
  CHECK(err("goroutine 7 running\n").find("dump.txt:1:") == 0);
  CHECK(err("").find("empty") != std::string::npos);
  CHECK(err("hello world\n").find("not a goroutine dump") != std::string::npos);
}

TEST_CASE("across forms, runtime-only stacks are left out, not shown as empty rows", "[leak][goroutines]") {
  leak::GoroutineDump base, now;
  base.format = "debug=1";
  now.format = "protobuf";
  leak::GoroutineGroup rt_only;
  rt_only.frames = {"runtime.gopark", "runtime.forcegchelper"};
  rt_only.count = 3;
  leak::GoroutineGroup leak_group;
  leak_group.frames = {"runtime.gopark", "runtime.chanrecv1", "main.stuck"};
  leak_group.count = 5;
  leak::GoroutineGroup base_leak;
  base_leak.frames = {"main.stuck"};
  base_leak.count = 2;
  base.groups = {base_leak};
  now.groups = {rt_only, leak_group};
  auto growth = leak::goroutine_growth(base, now);
  REQUIRE(growth.size() == 1);
  CHECK(growth[0].group.frames == std::vector<std::string>{"main.stuck"});
  CHECK(growth[0].base == 2);
  CHECK(growth[0].now == 5);
}
