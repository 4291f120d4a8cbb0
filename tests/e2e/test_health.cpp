// ncprof health with ad-hoc targets (host:port, URLs) and hostile answers.
#include <algorithm>
#include <csignal>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "e2e/fleet.hpp"
#include "support/broken_server.hpp"

using namespace ncprof::test;
using nlohmann::json;

TEST_CASE("health reads URL and host:port targets, and says which address answered", "[health]") {
  GoServiceOptions app = named("app");
  GoServiceOptions on_pprof = named("onpprof", false);  // no app port: health only on the pprof port
  GoServiceOptions bare = named("bare", false);
  bare.extra_args = {"-health-on-pprof=false"};
  auto fleet = Fleet::start({app, on_pprof, bare});
  const auto& a = fleet.services[0];
  const std::string health_url = "http://127.0.0.1:" + std::to_string(a.app_port) + "/health/memory";

  // A URL that ends in /health/memory is fetched.
  auto r = run_ncprof({"health", health_url, "--format", "json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  auto doc = json::parse(r.out);
  CHECK(doc["services"][0]["status"] == "ok");
  CHECK(doc["services"][0]["url"] == health_url);
  CHECK(doc["services"][0]["memory"]["heap_alloc_mb"].get<double>() > 0);
  CHECK(!doc["services"][0]["timestamp"].get<std::string>().empty());

  // host:port: that address's /health/memory is tried, and named.
  auto probed = run_ncprof({"health", fleet.services[1].pprof_target()});
  INFO(probed.out << probed.err);
  CHECK(probed.exit_code == 0);
  CHECK(probed.out.find("(from http://" + fleet.services[1].pprof_target() + "/health/memory)") != std::string::npos);

  // An address without the endpoint: no health endpoint, not a failure.
  auto none = run_ncprof({"health", fleet.services[2].pprof_target(), "--format", "json"});
  CHECK(none.exit_code == 0);
  CHECK(json::parse(none.out)["services"][0]["status"] == "no health endpoint");

  // Nothing listening: unreachable, exit 3.
  auto dead = run_ncprof({"health", "127.0.0.1:" + std::to_string(free_port())});
  CHECK(dead.exit_code == 3);
  CHECK(dead.out.find("unreachable") != std::string::npos);
}

TEST_CASE("health: garbage answers are 'not a health document' for that service only", "[health]") {
  BrokenServer server("");
  std::string deep(300000, '[');
  deep += std::string(300000, ']');
  server.set_body("deep", "{\"heap_alloc_mb\": " + deep + "}");
  server.set_body("hugenum", R"({"heap_alloc_mb": 1e308, "num_gc": 3})");
  server.set_body("bignum", R"({"heap_alloc_mb": 5, "num_gc": 1e300})");
  server.set_body("strnum", R"({"heap_alloc_mb": 5, "num_goroutine": "many"})");
  server.set_body("negative", R"({"heap_alloc_mb": -5})");
  server.set_body("html", "<html><body>login</body></html>", "text/html");
  server.set_body("escape", "\x1b]0;pwned\x07\x1b[2J", "text/plain");
  server.set_body("fine", R"({"heap_alloc_mb": 12.5, "num_goroutine": 7, "timestamp": "2026-11-26T10:00:00Z"})");
  std::vector<std::string> args = {"health", "--format", "json"};
  for (const char* mode : {"deep", "hugenum", "bignum", "strnum", "negative", "html", "escape", "fine"}) {
    args.push_back(server.url(mode) + "/health/memory");
  }
  auto r = run_ncprof(args);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  auto doc = json::parse(r.out);
  REQUIRE(doc["services"].size() == 8);
  for (std::size_t i = 0; i < 7; ++i) {
    CHECK(doc["services"][i]["status"] == "not a health document");
  }
  CHECK(doc["services"][7]["status"] == "ok");
  CHECK(doc["services"][7]["memory"]["heap_alloc_mb"] == 12.5);
  CHECK(doc["services"][7]["timestamp"] == "2026-11-26T10:00:00Z");
  // No raw escape sequence reaches the terminal.
  CHECK(r.err.find('\x1b') == std::string::npos);
  auto text = run_ncprof({"health", server.url("escape") + "/health/memory", server.url("hugenum") + "/health/memory"});
  CHECK(text.exit_code == 3);
  CHECK(text.out.find('\x1b') == std::string::npos);
  CHECK(text.err.find('\x1b') == std::string::npos);
}

TEST_CASE("health --watch: readable times, and JSON with a time per refresh", "[health]") {
  auto fleet = Fleet::start({named("crawler")});
  Background watch({ncprof_bin(), "health", "--all", "--config", fleet.config, "--watch", "300ms", "--format", "json"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  watch.signal(SIGINT);
  CHECK(watch.wait(std::chrono::seconds(5)) == 0);
  std::size_t docs = 0;
  std::string log = watch.log();
  std::size_t start = 0;
  for (std::size_t nl; (nl = log.find('\n', start)) != std::string::npos; start = nl + 1) {
    auto line = log.substr(start, nl - start);
    if (line.empty() || line[0] != '{') continue;
    auto d = json::parse(line);
    CHECK(d["time"].get<std::string>().size() == 19);  // YYYY-mm-dd HH:MM:SS
    CHECK(d["services"][0]["status"] == "ok");
    ++docs;
  }
  CHECK(docs >= 2);
}
