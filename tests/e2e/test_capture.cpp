// ncprof capture and health against real Go fixture services.
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <thread>
#include <regex>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "e2e/conformance.hpp"
#include "e2e/fleet.hpp"
#include "ncprof/profile/codec.hpp"
#include "support/broken_server.hpp"
#include "support/builder.hpp"

using namespace ncprof::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json run_json(const std::vector<std::string>& args, int expected_exit, const std::map<std::string, std::string>& env = {}) {
  auto r = run_ncprof(args, env);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == expected_exit);
  return json::parse(r.out);
}

const json* result_for(const json& doc, const std::string& service) {
  for (const auto& r : doc["results"]) {
    if (r["service"] == service) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("capture saves every profile type from every configured service", "[capture]") {
  auto fleet = Fleet::start({named("crawler"), named("publisher-router", false)});
  std::string out = fleet.dir + "/profiles";
  const std::regex name_re(out + "/(crawler|publisher-router)_([a-z]+)_[0-9]{8}_[0-9]{6}\\.pb\\.gz");
  for (const char* type : {"heap", "allocs", "goroutine", "block", "mutex", "threadcreate", "cpu"}) {
    INFO(type);
    auto doc = run_json({"capture", "--all", "--type", type, "--duration", "1", "--config", fleet.config, "--out", out,
                         "--format", "json"},
                        0);
    REQUIRE(doc["results"].size() == 2);
    for (const auto& r : doc["results"]) {
      CHECK(r["ok"] == true);
      std::string file = r["file"];
      std::smatch m;
      REQUIRE(std::regex_match(file, m, name_re));
      CHECK(m[2] == type);
      CHECK(r["bytes"].get<std::uint64_t>() == fs::file_size(file));
      auto decoded = ncprof::profile::read_profile(file);
      REQUIRE(decoded);
      CHECK(r["samples"].get<std::size_t>() == decoded->samples.size());
    }
    // The files open in go tool pprof.
    auto go = go_pprof_top({}, {(*result_for(doc, "crawler"))["file"].get<std::string>()});
    CHECK(go.exit_code == 0);
  }
  auto cpu = ncprof::profile::read_profile(
      (*result_for(run_json({"capture", "crawler", "--type", "cpu", "--duration", "1s", "--config", fleet.config,
                             "--out", out, "--format", "json"},
                            0),
                   "crawler"))["file"]);
  REQUIRE(cpu);
  CHECK(cpu->sample_types.at(1).type == "cpu");
  CHECK(cpu->duration_nanos >= 900000000);
}

TEST_CASE("capture: gc, delta, debug text and execution traces", "[capture]") {
  auto fleet = Fleet::start({named("crawler")});
  std::string out = fleet.dir + "/p";
  auto trace = run_json({"capture", "crawler", "--type", "trace", "--duration", "1", "--config", fleet.config, "--out",
                         out, "--format", "json"},
                        0);
  std::string tfile = trace["results"][0]["file"];
  CHECK(tfile.ends_with(".trace"));
  CHECK(read_file(tfile).rfind("go 1.", 0) == 0);

  auto text = run_json({"capture", "crawler", "--type", "goroutine", "--debug", "1", "--config", fleet.config, "--out",
                        out, "--format", "json"},
                       0);
  std::string txt = text["results"][0]["file"];
  CHECK(txt.ends_with(".txt"));
  CHECK(read_file(txt).find("goroutine profile: total") != std::string::npos);

  auto gc = run_json({"capture", "crawler", "--type", "heap", "--gc", "--delta", "1s", "--config", fleet.config,
                      "--out", out, "--format", "json"},
                     0);
  CHECK(gc["results"][0]["url"].get<std::string>().find("heap?seconds=1&gc=1") != std::string::npos);
}

TEST_CASE("capture targets: names, NAME PORT, host:port and URLs", "[capture]") {
  auto fleet = Fleet::start({named("crawler"), named("auth")});
  const auto& crawler = fleet.services[0];
  const auto& auth = fleet.services[1];
  std::string out = fleet.dir + "/p";
  auto by_name = run_json({"capture", "auth", "--config", fleet.config, "--out", out, "--format", "json"}, 0);
  REQUIRE(by_name["results"].size() == 1);
  CHECK(by_name["results"][0]["service"] == "auth");

  // "crawler PORT": the service name with the pprof port given.
  auto name_port = run_json({"capture", "crawler", std::to_string(auth.pprof_port), "--config", fleet.config, "--out",
                             out, "--format", "json"},
                            0);
  CHECK(name_port["results"][0]["url"].get<std::string>().find(std::to_string(auth.pprof_port)) != std::string::npos);

  auto hostport = run_json({"capture", crawler.pprof_target(), "http://127.0.0.1:" + std::to_string(auth.pprof_port),
                            "--config", fleet.config, "--out", out, "--format", "json"},
                           0);
  REQUIRE(hostport["results"].size() == 2);
  // Named as written (errors say the address), files named safely.
  CHECK(hostport["results"][0]["service"] == "127.0.0.1:" + std::to_string(crawler.pprof_port));
  CHECK(hostport["results"][0]["file"].get<std::string>().find("/127.0.0.1_" + std::to_string(crawler.pprof_port) +
                                                               "_heap_") != std::string::npos);
  CHECK(hostport["results"][1]["url"] ==
        "http://127.0.0.1:" + std::to_string(auth.pprof_port) + "/debug/pprof/heap");

  auto unknown = run_ncprof({"capture", "nosuch", "--config", fleet.config});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("known: crawler, auth") != std::string::npos);
}

TEST_CASE("capture faults: each target fails alone, clearly, with no file, the others are saved", "[capture][faults]") {
  auto good_profile = ncprof::profile::encode_profile(ProfileBuilder::heap().sample({"f", "main"}, {1, 2, 3, 4}).build());
  BrokenServer broken(good_profile);
  int refused = free_port();
  std::string extra;
  for (const char* mode : {"notfound", "error500", "text", "truncated", "huge", "slow"}) {
    extra += std::string("  ") + mode + ":\n    pprof: " + broken.url(mode) + "\n";
  }
  extra += "  refused:\n    pprof: 127.0.0.1:" + std::to_string(refused) + "\n";
  auto fleet = Fleet::start({named("crawler"), named("auth")}, extra);
  std::string out = fleet.dir + "/p";
  auto r = run_ncprof({"capture", "--all", "--type", "heap", "--timeout", "2s", "--max-bytes", "1M", "--config",
                       fleet.config, "--out", out, "--format", "json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  auto doc = json::parse(r.out);
  CHECK(doc["captured"] == 2);
  CHECK(doc["failed"] == 7);
  std::map<std::string, std::string> expect = {
      {"notfound", "HTTP 404"},          {"error500", "HTTP 500"},
      {"text", "text, not a profile"},   {"truncated", "truncated gzip"},
      {"huge", "larger than the limit"}, {"slow", "timed out"},
      {"refused", "Couldn't connect"}};
  for (const auto& [svc, reason] : expect) {
    const json* res = result_for(doc, svc);
    REQUIRE(res);
    INFO(svc);
    CHECK((*res)["ok"] == false);
    std::string err = (*res)["error"];
    CHECK(err.find(reason) != std::string::npos);
    CHECK(err.find((*res)["url"].get<std::string>()) != std::string::npos);
    CHECK(r.err.find("ncprof: error: " + svc + ": ") != std::string::npos);
  }
  // Only the healthy services left files, and no temporary files remain.
  auto files = list_dir(out);
  REQUIRE(files.size() == 2);
  for (const auto& f : files) CHECK((f.find("/crawler_heap_") != std::string::npos || f.find("/auth_heap_") != std::string::npos));
  // 5xx and refused connections are retried; 4xx is not.
  CHECK(broken.hits("error500") == 3);
  CHECK(broken.hits("notfound") == 1);
}

TEST_CASE("headers from the config carry secrets from the environment, never printed", "[capture][config]") {
  auto good_profile = ncprof::profile::encode_profile(ProfileBuilder::heap().sample({"f"}, {1, 2, 3, 4}).build());
  BrokenServer server(good_profile);
  std::string dir = temp_dir("ncprof-hdr");
  std::string cfg = dir + "/c.yaml";
  write_file(cfg, "replace: true\nservices:\n  api:\n    pprof: " + server.url("good") +
                      "\n    labels: {team: ingest}\n    headers:\n      Authorization: \"Bearer ${NCPROF_TEST_TOKEN}\"\n");
  auto r = run_ncprof({"capture", "api", "--config", cfg, "--out", dir + "/p"}, {{"NCPROF_TEST_TOKEN", "s3cret-tok"}});
  CHECK(r.exit_code == 0);
  CHECK(server.last_request().find("Authorization: Bearer s3cret-tok") != std::string::npos);
  CHECK(server.last_request().find("User-Agent: ncprof/") != std::string::npos);
  CHECK(r.out.find("s3cret") == std::string::npos);
  CHECK(r.err.find("s3cret") == std::string::npos);
  auto labelled = run_ncprof({"capture", "api", "--config", cfg, "--out", dir + "/p", "--format", "json"},
                             {{"NCPROF_TEST_TOKEN", "s3cret-tok"}});
  CHECK(json::parse(labelled.out)["results"][0]["labels"]["team"] == "ingest");
  CHECK(labelled.out.find("s3cret") == std::string::npos);
  // An unset variable is a config error: exit 2, naming the file, the line and the variable.
  auto missing = run_ncprof({"capture", "api", "--config", cfg, "--out", dir + "/p"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find(cfg + ":7: service 'api': header Authorization: environment variable NCPROF_TEST_TOKEN is "
                         "not set") != std::string::npos);
  // A literal '$' in a secret stays as it is; an unterminated ${ is an error that never quotes the value.
  write_file(cfg, "replace: true\nservices:\n  api:\n    pprof: " + server.url("good") +
                      "\n    headers:\n      Authorization: \"Bearer sk_live_AAAA$BBBB\"\n");
  auto dollar = run_ncprof({"capture", "api", "--config", cfg, "--out", dir + "/p"});
  CHECK(dollar.exit_code == 0);
  CHECK(server.last_request().find("Authorization: Bearer sk_live_AAAA$BBBB") != std::string::npos);
  write_file(cfg, "replace: true\nservices:\n  api:\n    pprof: " + server.url("good") +
                      "\n    headers:\n      Authorization: \"Bearer sk_live_${AAAA\"\n");
  auto open = run_ncprof({"capture", "api", "--config", cfg, "--out", dir + "/p", "--format", "json"});
  CHECK(open.exit_code == 2);
  CHECK(open.err.find("sk_live") == std::string::npos);
  CHECK(open.out.find("sk_live") == std::string::npos);
}

TEST_CASE("health shows every service's memory, unreachable ones fail the run", "[health]") {
  int dead = free_port();
  GoServiceOptions router = named("publisher-router", false);
  router.extra_args = {"-health-on-pprof=false"};
  auto fleet = Fleet::start({named("crawler"), router},
                            "  auth:\n    pprof: 127.0.0.1:" + std::to_string(dead) +
                                "\n    health: http://127.0.0.1:" + std::to_string(dead) + "/health/memory\n");
  auto doc = run_json({"health", "--all", "--config", fleet.config, "--format", "json"}, 3);
  REQUIRE(doc["services"].size() == 3);
  for (const auto& s : doc["services"]) {
    if (s["service"] == "crawler") {
      CHECK(s["status"] == "ok");
      CHECK(s["memory"]["num_goroutine"].get<int>() > 1);
      CHECK(s["memory"]["heap_alloc_mb"].get<double>() > 0);
      CHECK(s["memory"]["gomaxprocs"].get<int>() >= 1);
    } else if (s["service"] == "publisher-router") {
      CHECK(s["status"] == "no health endpoint");
    } else {
      CHECK(s["status"] == "unreachable");
      CHECK(s["error"].get<std::string>().find(std::to_string(dead)) != std::string::npos);
    }
  }
  auto ok = run_ncprof({"health", "crawler", "publisher-router", "--config", fleet.config});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("no health endpoint") != std::string::npos);
  CHECK(ok.out.find("GOROUTINES") != std::string::npos);
}

TEST_CASE("config errors name the file, line and key", "[config]") {
  std::string dir = temp_dir("ncprof-cfg");
  auto expect = [&](const std::string& yaml, const std::string& needle) {
    std::string path = dir + "/c.yaml";
    write_file(path, yaml);
    auto r = run_ncprof({"capture", "--all", "--config", path});
    INFO(yaml << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(path) != std::string::npos);
    CHECK(r.err.find(needle) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  };
  expect("services:\n  crawler: [unclosed\n", "invalid YAML");
  expect("services:\n  crawler:\n    pprof: localhost:6060\n    porf: 1\n", ":4: service 'crawler': unknown key 'porf'");
  expect("hosts: x\n", ":1: unknown key 'hosts'");
  expect("services:\n  newsvc:\n    health: http://localhost:1/health/memory\n", "service 'newsvc' has no 'pprof'");
  expect("services:\n  crawler:\n    pprof: not-a-target\n", "not host:port or a URL");
  auto missing = run_ncprof({"capture", "--all", "--config", dir + "/none.yaml"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find(dir + "/none.yaml") != std::string::npos);
  // NCPROF_CONFIG is used when --config is not given.
  write_file(dir + "/env.yaml", "replace: true\nservices:\n  only:\n    pprof: 127.0.0.1:1\n");
  auto env = run_ncprof({"capture", "nosuch"}, {{"NCPROF_CONFIG", dir + "/env.yaml"}});
  CHECK(env.err.find("known: only;") != std::string::npos);
}

TEST_CASE("health --watch refreshes until interrupted", "[health]") {
  auto fleet = Fleet::start({named("crawler")});
  Background watch({ncprof_bin(), "health", "--all", "--config", fleet.config, "--watch", "200ms"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  watch.signal(SIGINT);
  CHECK(watch.wait(std::chrono::seconds(5)) == 0);
  auto log = watch.log();
  std::size_t tables = 0;
  for (std::size_t p = 0; (p = log.find("GOROUTINES", p)) != std::string::npos; ++p) ++tables;
  CHECK(tables >= 3);
}

TEST_CASE("a delta heap profile with allocations is not flagged empty", "[capture]") {
  GoServiceOptions busy = named("crawler");
  busy.churn = 4 << 20;  // garbage only: the in-use delta is about 0, the allocations are not
  auto fleet = Fleet::start({busy});
  auto doc = run_json({"capture", "crawler", "--type", "heap", "--delta", "1s", "--config", fleet.config, "--out",
                       fleet.dir + "/profiles", "--format", "json"},
                      0);
  CHECK(doc["results"][0]["ok"] == true);
  CHECK(doc["results"][0]["empty"] == false);
  // The table writes sizes one way, BYTES as TOTAL: "1.92kB", never "1.9 kB".
  auto text = run_ncprof({"capture", "crawler", "--type", "heap", "--config", fleet.config, "--out",
                          fleet.dir + "/profiles"});
  CHECK(text.exit_code == 0);
  CHECK(std::regex_search(text.out, std::regex("crawler +heap +[0-9.]+(B|kB|MB) ")));
  CHECK(!std::regex_search(text.out, std::regex("[0-9] (B|kB|MB)")));
}

TEST_CASE("a service name cannot put a file outside --out", "[capture]") {
  auto good_profile = ncprof::profile::encode_profile(ProfileBuilder::heap().sample({"f"}, {1, 2, 3, 4}).build());
  BrokenServer server(good_profile);
  const std::string dir = temp_dir("ncprof-escape");
  const std::string cfg = dir + "/c.yaml";
  write_file(cfg, "replace: true\nservices:\n  ../../escaped:\n    pprof: " + server.url("good") + "\n");
  fs::create_directories(dir + "/a/b");
  auto doc = run_json({"capture", "--all", "--config", cfg, "--out", dir + "/a/b/out", "--format", "json"}, 0);
  const std::string file = doc["results"][0]["file"];
  CHECK(file.rfind(dir + "/a/b/out/", 0) == 0);
  CHECK(file.find("/../") == std::string::npos);
  CHECK(list_dir(dir + "/a/b/out").size() == 1);
  CHECK(!fs::exists(dir + "/escaped_heap"));
}
