#include <catch2/catch.hpp>

#include "ncprof/targets/targets.hpp"

using namespace ncprof::targets;

namespace {
Registry config(const std::string& yaml) {
  auto reg = parse_config(yaml, "c.yaml", "");
  REQUIRE(reg);
  return *reg;
}
}  // namespace

TEST_CASE("NAME PORT keeps the configured scheme: https never becomes http", "[targets]") {
  auto reg = config("replace: true\nservices:\n  tls:\n    pprof: https://tls.example.com:443/debug/pprof\n");
  auto s = resolve_targets(reg, {"tls", "18182"}, false);
  REQUIRE(s);
  CHECK(s->front().pprof_base == "https://tls.example.com:18182/debug/pprof");
  auto plain = resolve_targets(builtin_registry(), {"crawler", "7000"}, false);
  REQUIRE(plain);
  CHECK(plain->front().pprof_base == "http://localhost:7000/debug/pprof");
}

TEST_CASE("ad-hoc targets: names as written, health URLs, same target once, bad ports", "[targets]") {
  auto reg = builtin_registry();
  auto s = resolve_targets(reg, {"10.0.0.7:6060", "http://h:8060/health/memory", "10.0.0.7:6060"}, false);
  REQUIRE(s);
  REQUIRE(s->size() == 2);
  CHECK((*s)[0].name == "10.0.0.7:6060");
  CHECK((*s)[1].health_url == "http://h:8060/health/memory");
  CHECK((*s)[1].pprof_base == "http://h:8060/debug/pprof");
  auto port = resolve_targets(reg, {"crawler", "99999"}, false);
  REQUIRE_FALSE(port);
  CHECK(port.error().message.find("not a valid port") != std::string::npos);
}

TEST_CASE("words and paths are told apart", "[targets]") {
  CHECK_FALSE(looks_like_path("crawler"));
  CHECK_FALSE(looks_like_path("http://h:6060"));
  CHECK_FALSE(looks_like_path("10.0.0.7:6060"));
  CHECK(looks_like_path("./crawler"));
  CHECK(looks_like_path("dir/crawler"));
  CHECK(looks_like_path("-"));
  CHECK(looks_like_path("heap.pb.gz"));
  CHECK(looks_like_path("dump.txt"));
}
