// Hostile files, configs and servers against the binary: a clear one-line
// error (or valid output), the documented exit code, never a crash.
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ncprof/profile/codec.hpp"
#include "support/broken_server.hpp"
#include "support/builder.hpp"
#include "support/fixture.hpp"

using namespace ncprof::test;
using nlohmann::json;

namespace {
std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }
}  // namespace

TEST_CASE("every malformed config shape names the file, line and key (exit 2, never internal)", "[hostile][config]") {
  const std::string dir = temp_dir("ncprof-yaml");
  const std::string path = dir + "/c.yaml";
  for (const auto& [yaml, needle] : std::vector<std::pair<std::string, std::string>>{
           {"services:\n  [a, b]:\n    pprof: 127.0.0.1:1\n", ":2: a key must be a plain name"},
           {"services:\n  crawler:\n    {x: 1}: 2\n", ":3: a key must be a plain name"},
           {"? [1, 2]\n: 3\n", ":1: a key must be a plain name"},
           {"services:\n  crawler:\n    labels:\n      [k]: v\n", ":4: a key must be a plain name"},
           {"services:\n  - crawler\n", "'services' must be a mapping"},
           {"services:\n  crawler: [1, 2]\n", "must be a mapping"},
           {"services:\n  crawler:\n    pprof: [a]\n", "'pprof' must be a string"},
           {"replace: [true]\n", "'replace' must be true or false"},
           {std::string(20000, '[') + std::string(20000, ']') + "\n", "c.yaml"}}) {
    write_file(path, yaml);
    auto r = run_ncprof({"capture", "--all", "--config", path});
    INFO(yaml.substr(0, 60) << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(path) != std::string::npos);
    CHECK(r.err.find(needle) != std::string::npos);
    CHECK(r.err.find("internal") == std::string::npos);
    CHECK(lines(r.err) == 1);
  }
}

TEST_CASE("names that are not UTF-8 still give valid JSON", "[hostile][json]") {
  const std::string dir = temp_dir("ncprof-utf8");
  const std::string bad = "main.\xff\xfe(*T).f";
  write_file(dir + "/p.pb.gz",
             ncprof::profile::encode_profile(ProfileBuilder::cpu().sample({bad, "main.main"}, {1, 10}).build()));
  auto top = run_ncprof({"top", dir + "/p.pb.gz", "--format", "json"});
  INFO(top.err);
  REQUIRE(top.exit_code == 0);
  auto doc = json::parse(top.out);
  CHECK(doc["rows"].size() == 2);
  write_file(dir + "/g.txt", "goroutine profile: total 1\n1 @ 0x1\n#\t0x1\t" + bad + "+0x1\tf.go:1\n");
  auto gor = run_ncprof({"goroutines", dir + "/g.txt", "--format", "json"});
  REQUIRE(gor.exit_code == 0);
  CHECK_NOTHROW(json::parse(gor.out));
  write_file(dir + "/b.txt", "BenchmarkCaf\xe9-8 100 1000 ns/op\nBenchmarkCaf\xe9-8 100 1010 ns/op\n");
  auto bs = run_ncprof({"benchstat", dir + "/b.txt", "--format", "json"});
  REQUIRE(bs.exit_code == 0);
  CHECK_NOTHROW(json::parse(bs.out));
}

TEST_CASE("a server's escape sequences never reach the terminal", "[hostile][capture]") {
  BrokenServer server("");
  server.set_body("esc", "\x1b]0;pwned\x07\x1b[2Jprofiling is off\n", "text/plain");
  auto r = run_ncprof({"capture", server.url("esc"), "--type", "heap"});
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find('\x1b') == std::string::npos);
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK(r.err.find(server.url("esc")) != std::string::npos);
}

TEST_CASE("SIGINT during a write leaves complete files only", "[hostile][signals]") {
  const std::string dir = temp_dir("ncprof-sigint");
  const std::string big = dir + "/big.pb.gz";
  auto made = run({std::filesystem::path(ncprof_bin()).parent_path().string() + "/ncprof_synth", big, "200000", "5000",
                   "10000", "3"});
  REQUIRE(made.exit_code == 0);
  for (int delay_ms : {50, 150, 300, 500, 800, 1200}) {
    const std::string out = dir + "/m" + std::to_string(delay_ms) + ".pb.gz";
    Background merge({ncprof_bin(), "merge", big, big, "-o", out});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    merge.signal(SIGINT);
    const int code = merge.wait(std::chrono::seconds(30));
    INFO("after " << delay_ms << " ms: exit " << code);
    CHECK((code == 0 || code == 130));
    for (const auto& f : list_dir(dir)) CHECK(f.find(".tmp-") == std::string::npos);
    if (std::filesystem::exists(out)) CHECK(run_ncprof({"top", out, "--nodecount", "1"}).exit_code == 0);
  }
}

TEST_CASE("Ctrl-C stops a capture under way: exit 130 at once, no file", "[hostile][signals]") {
  auto svc = start_go_service();
  const std::string dir = temp_dir("ncprof-sigcap");
  Background cap({ncprof_bin(), "capture", svc.pprof_target(), "--type", "cpu", "--duration", "30", "--out", dir});
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  const auto t0 = std::chrono::steady_clock::now();
  cap.signal(SIGINT);
  CHECK(cap.wait(std::chrono::seconds(10)) == 130);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(list_dir(dir).empty());
}

TEST_CASE("configured headers never follow a redirect to another origin", "[hostile][secrets]") {
  auto good = ncprof::profile::encode_profile(ProfileBuilder::heap().sample({"f"}, {1, 2, 3, 4}).build());
  BrokenServer home(good), elsewhere(good);
  home.set_redirect("away", elsewhere.url("good") + "/heap");
  home.set_redirect("moved", home.url("good") + "/heap");
  const std::string dir = temp_dir("ncprof-redirect");
  const std::string cfg = dir + "/c.yaml";
  write_file(cfg, "replace: true\nservices:\n  away:\n    pprof: " + home.url("away") + "\n    headers:\n" +
                      "      X-Api-Key: \"${NCPROF_TEST_KEY}\"\n  moved:\n    pprof: " + home.url("moved") +
                      "\n    headers:\n      X-Api-Key: \"${NCPROF_TEST_KEY}\"\n");
  auto r = run_ncprof({"capture", "--all", "--config", cfg, "--out", dir + "/p", "--format", "json"},
                      {{"NCPROF_TEST_KEY", "k3y-s3cret"}});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  // The other origin was never asked, so the key never went there.
  CHECK(elsewhere.hits("good") == 0);
  CHECK(r.err.find("not followed") != std::string::npos);
  // A redirect on the same origin is followed, with the header.
  auto doc = json::parse(r.out);
  for (const auto& res : doc["results"]) {
    if (res["service"] == "moved") CHECK(res["ok"] == true);
    if (res["service"] == "away") CHECK(res["ok"] == false);
  }
  CHECK(home.last_request().find("X-Api-Key: k3y-s3cret") != std::string::npos);
  // Without configured headers a redirect is simply followed.
  auto plain = run_ncprof({"capture", home.url("away"), "--out", dir + "/q"});
  CHECK(plain.exit_code == 0);
  CHECK(elsewhere.hits("good") == 1);
  CHECK(elsewhere.last_request().find("X-Api-Key") == std::string::npos);
}
