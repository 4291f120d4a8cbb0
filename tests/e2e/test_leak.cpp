// compare-heap, leak-check and goroutines against leaking and quiet Go
// fixture services (short intervals).
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "e2e/fleet.hpp"

using namespace ncprof::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

GoServiceOptions leaky(const std::string& name) {
  GoServiceOptions o = named(name);
  o.leak_heap = 1 << 20;  // 1 MiB/s: clear within seconds
  o.leak_goroutines = 5;
  return o;
}

GoServiceOptions quiet(const std::string& name) {
  GoServiceOptions o = named(name);
  o.churn = 1 << 20;     // busy, garbage only: the heap saws with GC
  o.ballast = 32 << 20;  // a steady heap: one sampled allocation (512 KiB on average) is noise, not growth
  return o;
}

const json& service(const json& doc, const std::string& name) {
  for (const auto& s : doc["services"]) {
    if (s["service"] == name) return s;
  }
  FAIL("no service " << name);
  return doc;
}

}  // namespace

TEST_CASE("leak-check: a leaking service is LEAK with the code named, a busy one is OK", "[leak]") {
  auto fleet = Fleet::start({leaky("leaky"), quiet("quiet")});
  auto r = run_ncprof({"leak-check", "--all", "--config", fleet.config, "--interval", "1s", "--count", "9",
                       "--warmup", "1", "--log-dir", fleet.dir + "/leak_detection", "--format", "json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  auto doc = json::parse(r.out);
  const auto& bad = service(doc, "leaky");
  CHECK(bad["verdict"] == "LEAK");
  CHECK(bad["samples"].size() == 9);
  for (const auto& sig : bad["signals"]) CHECK(sig["verdict"] == "LEAK");
  CHECK(bad["heap_growth"].dump().find("main.retainBuffer") != std::string::npos);
  CHECK(bad["goroutine_growth"].dump().find("main.stuckSubscriber") != std::string::npos);
  const auto& ok = service(doc, "quiet");
  CHECK(ok["verdict"] == "OK");
  CHECK(ok["heap_growth"].empty());
  // The log has every sample and the verdicts.
  std::string log = read_file(doc["log"]);
  CHECK(fs::path(doc["log"].get<std::string>()).filename().string().rfind("leak_check_", 0) == 0);
  CHECK(std::count(log.begin(), log.end(), '\n') >= 2 + 18 + 2);
  CHECK(log.find("# verdict leaky: LEAK") != std::string::npos);
  CHECK(log.find("# verdict quiet: OK") != std::string::npos);
}

TEST_CASE("leak-check: long-running services (a large heap, many goroutines) still show their leaks", "[leak]") {
  // What a service that has run for an hour looks like: 300 MB in use and
  // 3,000 parked goroutines. A leak of 400 KB/s or 1 goroutine/s grows
  // those by 1-2% over the check: the floors are rates, not shares.
  GoServiceOptions heap = named("bigheap");
  heap.ballast = 300 << 20;
  // 400 KB/s: still 1.5% of the heap over the check, and enough sampled
  // allocations (one per 512 KiB on average) that the leaking function is
  // seen in the heap profiles (at 100 KB/s none was, one run in seven).
  heap.leak_heap = 400000;
  GoServiceOptions gor = named("manyg");
  gor.parked = 3000;
  gor.leak_goroutines = 1;
  GoServiceOptions steady = named("steady");
  steady.ballast = 300 << 20;
  steady.parked = 3000;
  steady.churn = 1 << 20;
  auto fleet = Fleet::start({heap, gor, steady});
  auto r = run_ncprof({"leak-check", "--all", "--config", fleet.config, "--interval", "1s", "--count", "12",
                       "--warmup", "1", "--log-dir", fleet.dir, "--format", "json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  auto doc = json::parse(r.out);
  auto signal = [](const json& s, const std::string& name) {
    for (const auto& sig : s["signals"]) {
      if (sig["signal"] == name) return sig;
    }
    return json();
  };
  const auto& h = service(doc, "bigheap");
  CHECK(h["verdict"] == "LEAK");
  CHECK(signal(h, "heap")["verdict"] == "LEAK");
  CHECK(signal(h, "heap")["growth_pct"].get<double>() < 5);
  CHECK(h["heap_growth"].dump().find("main.retainBuffer") != std::string::npos);
  CHECK(h["goroutine_growth"].empty());
  const auto& g = service(doc, "manyg");
  CHECK(g["verdict"] == "LEAK");
  CHECK(signal(g, "goroutines")["verdict"] == "LEAK");
  CHECK(signal(g, "goroutines")["slope_per_hour"].get<double>() > 1800);
  CHECK(g["goroutine_growth"].dump().find("main.stuckSubscriber") != std::string::npos);
  CHECK(g["goroutine_growth"].dump().find("main.parkedWorker") == std::string::npos);
  // A goroutine leak names goroutine stacks, not an unrelated heap sample.
  CHECK(g["heap_growth"].empty());
  CHECK(service(doc, "steady")["verdict"] == "OK");

  // The text summary gives every signal's reason, not only the heap's.
  auto text = run_ncprof({"leak-check", "manyg", "--config", fleet.config, "--interval", "1s", "--count", "8",
                          "--warmup", "1", "--log-dir", fleet.dir});
  INFO(text.out);
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("manyg: LEAK") != std::string::npos);
  CHECK(text.out.find("goroutines/h") != std::string::npos);
  // The heap's own verdict and reason, under the goroutines' LEAK.
  CHECK(text.out.find("heap       OK") != std::string::npos);
  const bool heap_reason = text.out.find("no significant upward trend") != std::string::npos ||
                           text.out.find("is under the floor") != std::string::npos ||
                           text.out.find("a step, not a steady climb") != std::string::npos;
  CHECK(heap_reason);
}

TEST_CASE("leak-check: bad numbers are refused before any sampling (exit 2)", "[leak]") {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--count", "-3"},
                                                                {"--min-samples", "-1"},
                                                                {"--min-samples", "2"},
                                                                {"--alpha", "2"},
                                                                {"--alpha", "0"},
                                                                {"--count", "5", "--warmup", "2"},
                                                                {"--min-heap-rate", "10K/day"},
                                                                {"--min-goroutine-rate", "-1/h"}}) {
    std::vector<std::string> argv = {"leak-check", "127.0.0.1:1", "--interval", "1s"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_ncprof(argv);
    INFO(args[0] << " " << args[1] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("ncprof: error:") == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("leak-check: a service that stops answering could not be checked (exit 3)", "[leak]") {
  int dead = free_port();
  auto fleet = Fleet::start({quiet("quiet")}, "  gone:\n    pprof: 127.0.0.1:" + std::to_string(dead) + "\n");
  auto r = run_ncprof({"leak-check", "--all", "--config", fleet.config, "--interval", "500ms", "--count", "6",
                       "--warmup", "1", "--log-dir", fleet.dir, "--format", "json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  auto doc = json::parse(r.out);
  CHECK(service(doc, "gone")["verdict"] == "INCONCLUSIVE");
  CHECK(service(doc, "gone")["unreachable"] == true);
  CHECK(service(doc, "quiet")["verdict"] == "OK");
  CHECK(r.err.find("gone: could not be checked") != std::string::npos);
  // Too few samples for a verdict is refused up front, not found out after sampling.
  auto few = run_ncprof({"leak-check", "quiet", "--config", fleet.config, "--interval", "200ms", "--count", "3",
                         "--warmup", "1", "--log-dir", fleet.dir, "--format", "json"});
  CHECK(few.exit_code == 2);
  CHECK(few.err.find("fewer than --min-samples 5") != std::string::npos);
  CHECK(run_ncprof({"leak-check", "quiet", "--config", fleet.config, "--count", "3", "--warmup", "3"}).exit_code == 2);
}

TEST_CASE("compare-heap: growth over the limit FAILs, a quiet heap is OK, files as users know them", "[leak][compare]") {
  auto fleet = Fleet::start({leaky("crawler"), quiet("search")});
  const std::string out = fleet.dir + "/profiles";
  // As users type it: SERVICE PORT --interval.
  auto r = run_ncprof({"compare-heap", "crawler", std::to_string(fleet.services[0].pprof_port), "--interval", "3s",
                       "--config", fleet.config, "--out", out, "--format", "json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  auto doc = json::parse(r.out);
  CHECK(doc["verdict"] == "FAIL");
  CHECK(doc["sample_index"] == "inuse_space");
  CHECK(doc["growth"].get<std::int64_t>() > 0);
  CHECK(doc["growth_pct"].get<double>() >= 50);
  CHECK(doc["growth_per_hour"].get<double>() > 0);
  CHECK(doc["top"].dump().find("main.retainBuffer") != std::string::npos);
  std::string base = doc["baseline"]["file"], cur = doc["current"]["file"];
  CHECK(base.find(out + "/heap_comparison/crawler_baseline_") == 0);
  CHECK(cur.find(out + "/heap_comparison/crawler_current_") == 0);
  CHECK(fs::exists(base));
  CHECK(fs::exists(cur));

  auto text = run_ncprof({"compare-heap", "search", "--interval", "1s", "--config", fleet.config, "--out", out});
  INFO(text.out << text.err);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("verdict: OK") != std::string::npos);
  CHECK(text.out.find("go tool pprof -base ") != std::string::npos);
}

TEST_CASE("compare-heap: several targets share one wait, a verdict each, two files compare too", "[leak][compare]") {
  // 4 MiB/s over 3 s: far past the sampling noise of a heap profile (one
  // sample per 512 KiB), even when a loaded machine delays the leak's ticks.
  GoServiceOptions fast_leak = leaky("crawler");
  fast_leak.leak_heap = 4 << 20;
  auto fleet = Fleet::start({fast_leak, quiet("search")});
  const std::string out = fleet.dir + "/profiles";
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_ncprof({"compare-heap", "--all", "--interval", "3s", "--config", fleet.config, "--out", out, "--format",
                       "json"});
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // one FAIL is enough
  CHECK(took < 10);         // one wait for all, not one per service
  auto doc = json::parse(r.out);
  REQUIRE(doc["services"].size() == 2);
  const auto& crawler = service(doc, "crawler");
  const auto& search = service(doc, "search");
  CHECK(crawler["verdict"] == "FAIL");
  CHECK(search["verdict"] == "OK");
  // Rows carry top's percentage fields.
  REQUIRE(!crawler["top"].empty());
  CHECK(crawler["top"][0].contains("flat_pct"));
  CHECK(crawler["top"][0].contains("cum_pct"));

  // The guide's manual steps: two saved snapshots, as files.
  std::string base = crawler["baseline"]["file"], cur = crawler["current"]["file"];
  auto files = run_ncprof({"compare-heap", base, cur, "--format", "json"});
  INFO(files.err);
  CHECK(files.exit_code == 1);
  auto fd = json::parse(files.out);
  CHECK(fd["verdict"] == "FAIL");
  CHECK(fd["growth"] == crawler["growth"]);
  auto named_files = run_ncprof({"compare-heap", "--baseline-file", cur, "--current-file", cur});
  CHECK(named_files.exit_code == 0);
  CHECK(named_files.out.find("verdict: OK") != std::string::npos);
}

TEST_CASE("compare-heap: a target without a baseline fails alone, the others are compared", "[leak][compare]") {
  int dead = free_port();
  auto fleet = Fleet::start({leaky("crawler")}, "  gone:\n    pprof: 127.0.0.1:" + std::to_string(dead) + "\n");
  auto r = run_ncprof({"compare-heap", "gone", "crawler", "--interval", "2s", "--config", fleet.config, "--out",
                       fleet.dir + "/profiles", "--format", "json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // crawler FAILs; a finding outranks an unreachable target
  auto doc = json::parse(r.out);
  CHECK(service(doc, "gone")["ok"] == false);
  const auto& crawler = service(doc, "crawler");
  CHECK(crawler["verdict"] == "FAIL");
  CHECK(crawler["current"]["file"].get<std::string>().find("crawler_current_") != std::string::npos);
  CHECK(r.err.find("gone") != std::string::npos);
}

TEST_CASE("compare-heap: a slow share of a large heap still FAILs by its rate per hour", "[leak][compare]") {
  GoServiceOptions big = named("crawler");
  big.ballast = 200 << 20;
  big.leak_heap = 2 << 20;  // 2 MiB/s: about 4% of the heap in 4 s, 7 GB/hour, well over the 1 MiB noise floor
  auto fleet = Fleet::start({big});
  auto r = run_ncprof({"compare-heap", "crawler", "--interval", "4s", "--config", fleet.config, "--out",
                       fleet.dir + "/profiles", "--format", "json"});
  INFO(r.out << r.err);
  auto doc = json::parse(r.out);
  CHECK(doc["growth_pct"].get<double>() < 20);
  CHECK(doc["growth_per_hour"].get<double>() > 512.0 * (1 << 20));
  CHECK(doc["verdict"] == "FAIL");
  CHECK(doc["reason"].get<std::string>().find("/hour") != std::string::npos);
  CHECK(r.exit_code == 1);
}

TEST_CASE("compare-heap and capture check their options before any request or wait", "[leak][compare]") {
  const std::string dir = temp_dir("ncprof-opts");
  const std::string file = dir + "/not-a-dir";
  write_file(file, "x");
  // A target nobody serves: if a request were made first, the error would be a connection failure (exit 3).
  const std::string target = "127.0.0.1:" + std::to_string(free_port());
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"compare-heap", target, "--interval", "1800", "--sample-index", "bogus"},
           {"compare-heap", target, "--interval", "1800", "--out", file},
           {"compare-heap", target, "--interval", "1800", "--fail-rate", "1M/h", "--warn-rate", "2M/h"},
           {"capture", target, "--type", "cpu", "--duration", "60", "--out", file},
           {"leak-check", target, "--interval", "1s", "--log-dir", file}}) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_ncprof(args);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    INFO(args[0] << " " << args.back() << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(took < 5);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("compare-heap: Ctrl-C during the wait keeps the baseline and exits 130", "[leak][compare]") {
  auto fleet = Fleet::start({quiet("crawler")});
  const std::string out = fleet.dir + "/profiles";
  Background cmd({ncprof_bin(), "compare-heap", "crawler", "--interval", "60s", "--config", fleet.config, "--out", out});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline &&
         (!fs::exists(out + "/heap_comparison") || list_dir(out + "/heap_comparison").empty())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(!list_dir(out + "/heap_comparison").empty());
  cmd.signal(SIGINT);
  CHECK(cmd.wait(std::chrono::seconds(10)) == 130);
  auto files = list_dir(out + "/heap_comparison");
  REQUIRE(files.size() == 1);
  CHECK(files[0].find("crawler_baseline_") != std::string::npos);
  CHECK(cmd.log().find("baseline is kept") != std::string::npos);
}

TEST_CASE("goroutines: group a dump, compare with a base, read a live target", "[leak][goroutines]") {
  const std::string rt = test_data_dir() + "/go-runtime/";
  auto one = run_ncprof({"goroutines", rt + "goroutine-2.txt", "--format", "json"});
  REQUIRE(one.exit_code == 0);
  auto doc = json::parse(one.out);
  CHECK(doc["format"] == "debug=2");
  CHECK(doc["groups"][0]["frames"][0] == "main.stuckSubscriber");
  CHECK(doc["groups"][0]["state"] == "chan receive");

  auto grew = run_ncprof({"goroutines", rt + "goroutine-2.pprof", "--base", rt + "goroutine-1.pprof"});
  CHECK(grew.exit_code == 0);
  CHECK(grew.out.find("main.stuckSubscriber") != std::string::npos);

  auto fleet = Fleet::start({leaky("crawler")});
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto live = run_ncprof({"goroutines", "crawler", "--config", fleet.config, "--format", "json"});
  INFO(live.err);
  REQUIRE(live.exit_code == 0);
  auto ldoc = json::parse(live.out);
  CHECK(ldoc["format"] == "debug=2");
  bool found = false;
  for (const auto& g : ldoc["groups"]) {
    if (g["frames"][0] == "main.stuckSubscriber" && g["state"] == "chan receive") found = g["count"].get<int>() >= 3;
  }
  CHECK(found);

  std::string bad = fleet.dir + "/bad.txt";
  write_file(bad, "goroutine profile: total 2\n1 @ 0x1\nrubbish\n");
  auto broken = run_ncprof({"goroutines", bad});
  CHECK(broken.exit_code == 2);
  CHECK(broken.err.find(bad + ":3:") != std::string::npos);
  CHECK(run_ncprof({"goroutines", "no-such-thing"}).exit_code == 2);
}

TEST_CASE("goroutines: mixed forms compare by the frames both show, a service beats a directory of its name",
          "[leak][goroutines]") {
  auto fleet = Fleet::start({leaky("crawler")});
  const auto& svc = fleet.services[0];
  auto before = http_get(svc.pprof_port, "/debug/pprof/goroutine?debug=1");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto after_pb = http_get(svc.pprof_port, "/debug/pprof/goroutine");
  auto after_txt = http_get(svc.pprof_port, "/debug/pprof/goroutine?debug=2");
  write_file(fleet.dir + "/before.txt", before.body);
  write_file(fleet.dir + "/after.pprof", after_pb.body);
  write_file(fleet.dir + "/after2.txt", after_txt.body);
  for (const char* after : {"/after.pprof", "/after2.txt"}) {
    auto r = run_ncprof({"goroutines", fleet.dir + after, "--base", fleet.dir + "/before.txt", "--format", "json"});
    INFO(after << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto doc = json::parse(r.out);
    REQUIRE(!doc["grew"].empty());
    CHECK(doc["grew"][0]["frames"][0] == "main.stuckSubscriber");
    CHECK(doc["grew"][0]["growth"].get<int>() >= 3);
    CHECK(!doc["grew"][0].contains("count"));
    // Only stacks that really grew, none with an empty stack: the accept
    // loop and the leak's own ticker were there before, in the other form.
    for (const auto& g : doc["grew"]) {
      REQUIRE(!g["frames"].empty());
      CHECK(g["frames"][0] != "main.leakGoroutineLoop");
      for (const auto& f : g["frames"]) CHECK(f != "net/http.(*Server).Serve");
    }
  }

  // In a directory holding crawler/, "crawler" is still the service.
  fs::create_directories(fleet.dir + "/work/crawler");
  auto live = run({ncprof_bin(), "goroutines", "crawler", "--config", fleet.config}, {}, std::chrono::seconds(60),
                  fleet.dir + "/work");
  INFO(live.err);
  CHECK(live.exit_code == 0);
  CHECK(live.out.find("main.stuckSubscriber") != std::string::npos);
  CHECK(live.err.find("is the configured service") != std::string::npos);
  // A path is a file: ./crawler is the directory.
  auto dir = run({ncprof_bin(), "goroutines", "./crawler", "--config", fleet.config}, {}, std::chrono::seconds(60),
                 fleet.dir + "/work");
  CHECK(dir.exit_code == 2);
  CHECK(dir.err.find("./crawler: is a directory") != std::string::npos);
}
