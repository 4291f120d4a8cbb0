// ncprof watch against real Go fixture services: the schedule, the files
// and their retention, the leak trend, /metrics (checked by promtool and
// scraped by a real Prometheus server), pushes to a receiver that checks
// Pyroscope's ingest API, reloads, stops and start-up errors.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "e2e/fleet.hpp"
#include "ncprof/profile/codec.hpp"
#include "ncprof/util/strings.hpp"
#include "support/broken_server.hpp"
#include "support/fixture.hpp"
#include "support/process.hpp"

using namespace ncprof::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The value of a series in the text exposition: NAME{...} with every
// label given (others may be there too).
std::optional<double> metric(const std::string& text, const std::string& name,
                             const std::map<std::string, std::string>& labels) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + "{", 0) != 0 && line.rfind(name + " ", 0) != 0) continue;
    bool all = true;
    for (const auto& [k, v] : labels) all = all && line.find(k + "=\"" + v + "\"") != std::string::npos;
    if (!all) continue;
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return std::nullopt;
}

std::size_t files_under(const std::string& dir, bool partial_only = false) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    const bool partial = it->path().filename().string().find(".tmp") != std::string::npos;
    n += partial_only ? partial : !partial;
  }
  return n;
}

struct Watch {
  int port = 0;
  std::string out;
  std::unique_ptr<Background> process;

  static Watch start(const std::string& config, std::vector<std::string> extra, const std::string& out) {
    Watch w;
    w.port = free_port();
    w.out = out;
    std::vector<std::string> argv = {ncprof_bin(), "watch", "--all", "--config", config, "--out", out,
                                     "--listen", "127.0.0.1:" + std::to_string(w.port)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    w.process = std::make_unique<Background>(argv);
    REQUIRE(wait_for_port(w.port));
    return w;
  }
  std::string metrics() const {
    auto r = http_get(port, "/metrics");
    REQUIRE(r.status == 200);
    return r.body;
  }
  // Polls /metrics until pred holds or the time is up.
  bool wait_for(const std::function<bool(const std::string&)>& pred, std::chrono::seconds limit) const {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (pred(metrics())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return pred(metrics());
  }
};

GoServiceOptions leaking(const std::string& name) {
  GoServiceOptions o = named(name);
  o.leak_heap = 4 << 20;
  o.leak_goroutines = 8;
  return o;
}

GoServiceOptions steady(const std::string& name) {
  GoServiceOptions o = named(name);
  o.ballast = 8 << 20;
  o.parked = 20;
  return o;
}

}  // namespace

TEST_CASE("watch: captures on schedule into OUT/service/type, keeps --keep files, flags the leaking service only, "
          "stops on SIGINT with no partial file",
          "[watch]") {
  auto fleet = Fleet::start({leaking("leaky"), steady("steady")});
  const std::string out = temp_dir("ncprof-watch") + "/profiles";
  auto w = Watch::start(fleet.config, {"--every", "1s", "--window", "40s", "--keep", "4"}, out);
  const bool flagged = w.wait_for(
      [](const std::string& m) {
        return metric(m, "ncprof_leak_suspected", {{"service", "leaky"}, {"signal", "heap"}}).value_or(0) == 1 &&
               metric(m, "ncprof_leak_suspected", {{"service", "leaky"}, {"signal", "goroutines"}}).value_or(0) == 1;
      },
      std::chrono::seconds(40));
  const std::string m = w.metrics();
  INFO(m);
  CHECK(flagged);
  CHECK(metric(m, "ncprof_leak_suspected", {{"service", "steady"}, {"signal", "heap"}}) == 0.0);
  CHECK(metric(m, "ncprof_leak_suspected", {{"service", "steady"}, {"signal", "goroutines"}}) == 0.0);
  CHECK(metric(m, "ncprof_leak_slope_bytes_per_second", {{"service", "leaky"}}).value_or(0) > 1e6);
  CHECK(metric(m, "ncprof_target_up", {{"service", "steady"}}) == 1.0);
  CHECK(metric(m, "ncprof_captures_total", {{"service", "steady"}, {"type", "heap"}, {"result", "ok"}}).value_or(0) >= 5);
  CHECK(metric(m, "ncprof_goroutines", {{"service", "steady"}}).value_or(0) >= 20);
  CHECK(metric(m, "ncprof_heap_inuse_bytes", {{"service", "leaky"}}).value_or(0) > 8e6);
  CHECK(metric(m, "ncprof_profile_inuse_bytes", {{"service", "leaky"}}).value_or(0) > 8e6);
  CHECK(metric(m, "ncprof_last_capture_timestamp_seconds", {{"service", "leaky"}, {"type", "goroutine"}}).value_or(0) >
        1.7e9);
  // promtool accepts the exposition.
  const std::string dir = temp_dir("ncprof-promtool");
  write_file(dir + "/metrics.txt", m);
  auto check = run({"sh", "-c", "promtool check metrics < " + dir + "/metrics.txt"});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  // The layout, and --keep per service and type.
  for (const char* svc : {"leaky", "steady"}) {
    for (const char* type : {"heap", "goroutine"}) {
      const std::string d = out + "/" + svc + "/" + type;
      REQUIRE(fs::is_directory(d));
      const auto names = list_dir(d);
      CHECK(names.size() >= 2);
      CHECK(names.size() <= 4);
      for (const auto& n : names) {
        CHECK(fs::path(n).filename().string().rfind(std::string(svc) + "_" + type + "_", 0) == 0);
        // Every file whole (a file that took an older one's place too).
        INFO(n);
        CHECK(ncprof::profile::read_profile(n).has_value());
      }
    }
  }
  CHECK(metric(m, "ncprof_files_deleted_total", {{"reason", "count"}}).value_or(0) >= 1);
  // At --keep, each new file takes the oldest one's place: new names, the
  // same inodes (nothing created or deleted).
  auto inodes = [&](const std::string& d) {
    std::set<std::uint64_t> ids;
    std::set<std::string> names;
    for (const auto& n : list_dir(d)) {
      struct stat st {};
      if (::stat(n.c_str(), &st) == 0) ids.insert(st.st_ino);
      names.insert(n);
    }
    return std::make_pair(ids, names);
  };
  const auto before = inodes(out + "/steady/goroutine");
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  const auto after = inodes(out + "/steady/goroutine");
  CHECK(before.first.size() == 4);
  CHECK(after.first == before.first);
  CHECK(after.second != before.second);
  w.process->signal(SIGINT);
  CHECK(w.process->wait(std::chrono::milliseconds(15000)) == 0);
  CHECK(files_under(out, true) == 0);
  CHECK(w.process->log().find("watch: stop") != std::string::npos);
}

TEST_CASE("watch: a target down or answering garbage is counted, backed off and retried while the others go on",
          "[watch]") {
  // One good service; one address nobody listens on; one that answers text.
  BrokenServer broken(read_file(test_data_dir() + "/go-runtime/heap-1.pprof"));
  const int down_port = free_port();
  auto fleet = Fleet::start({steady("good")}, "  down:\n    pprof: 127.0.0.1:" + std::to_string(down_port) +
                                                  "\n    health: none\n  garbage:\n    pprof: " + broken.url("text") +
                                                  "\n    health: none\n");
  // The good service again, without its health endpoint: its goroutine
  // count comes from the goroutine profile.
  std::string yaml = read_file(fleet.config);
  yaml += "  quiet:\n    pprof: 127.0.0.1:" + std::to_string(fleet.services[0].pprof_port) + "\n    health: none\n";
  write_file(fleet.config, yaml);
  const std::string out = temp_dir("ncprof-watch") + "/profiles";
  auto w = Watch::start(fleet.config, {"--every", "1s", "--types", "heap,goroutine"}, out);
  std::this_thread::sleep_for(std::chrono::seconds(9));
  const std::string m = w.metrics();
  INFO(m);
  CHECK(metric(m, "ncprof_target_up", {{"service", "good"}}) == 1.0);
  CHECK(metric(m, "ncprof_target_up", {{"service", "down"}}) == 0.0);
  CHECK(metric(m, "ncprof_target_up", {{"service", "garbage"}}) == 0.0);
  const double good = metric(m, "ncprof_captures_total", {{"service", "good"}, {"result", "ok"}}).value_or(0);
  const double down = metric(m, "ncprof_captures_total", {{"service", "down"}, {"result", "error"}}).value_or(0);
  const double garbage = metric(m, "ncprof_captures_total", {{"service", "garbage"}, {"result", "error"}}).value_or(0);
  CHECK(good >= 7);
  // Backed off (slots 0, 1, 3, 7 of about 9), never given up.
  CHECK(down >= 2);
  CHECK(down <= 5);
  CHECK(garbage >= 2);
  CHECK(garbage <= 5);
  CHECK(metric(m, "ncprof_goroutines", {{"service", "quiet"}}).value_or(0) >= 20);
  CHECK((!fs::exists(out + "/down/heap") || list_dir(out + "/down/heap").empty()));
  CHECK(w.process->log().find("down: heap:") != std::string::npos);
  w.process->signal(SIGTERM);
  CHECK(w.process->wait(std::chrono::milliseconds(15000)) == 0);
}

TEST_CASE("watch: each worker keeps the connections of its targets open between captures", "[watch]") {
  // Three services, each with its health endpoint on a port of its own.
  auto fleet = Fleet::start({steady("a"), steady("b"), steady("c")});
  // The fixture counts the TCP connections it accepted, on all its ports.
  auto accepted = [](const GoService& s) {
    auto r = http_get(s.pprof_port, "/debug/fixture/connections");
    REQUIRE(r.status == 200);
    return std::stoi(r.body);
  };
  std::map<std::string, int> before;
  for (const auto& s : fleet.services) before[s.name] = accepted(s);
  const std::string out = temp_dir("ncprof-watch") + "/profiles";
  auto w = Watch::start(fleet.config, {"--every", "1s", "--types", "heap,goroutine", "--workers", "1"}, out);
  std::this_thread::sleep_for(std::chrono::seconds(7));
  const std::string m = w.metrics();
  INFO(m);
  for (const auto& s : fleet.services) {
    INFO(s.name);
    double captures = 0;
    for (const char* type : {"heap", "goroutine"}) {
      captures += metric(m, "ncprof_captures_total", {{"service", s.name}, {"result", "ok"}, {"type", type}}).value_or(0);
    }
    CHECK(captures >= 10);
    // One worker: one connection to the pprof port, one to the health
    // port, and this request's own.
    CHECK(accepted(s) - before[s.name] <= 3);
  }
  w.process->signal(SIGINT);
  CHECK(w.process->wait(std::chrono::milliseconds(15000)) == 0);
}

TEST_CASE("watch: SIGHUP reloads the config, --max-disk and --keep-for delete the oldest files", "[watch]") {
  auto fleet = Fleet::start({steady("one"), steady("two")});
  const std::string first = fleet.dir + "/first.yaml";
  // Only "one" at first.
  std::string yaml = read_file(fleet.config);
  const std::string one_only = yaml.substr(0, yaml.find("  two:"));
  write_file(first, one_only);
  const std::string out = temp_dir("ncprof-watch") + "/profiles";
  auto w = Watch::start(first, {"--every", "1s", "--types", "goroutine", "--keep", "0", "--keep-for", "3s"}, out);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  CHECK(!fs::exists(out + "/two"));
  const auto kept = list_dir(out + "/one/goroutine").size();
  CHECK(kept >= 2);
  CHECK(kept <= 5);  // about 3 s of 1 s captures
  write_file(first, yaml);
  w.process->signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  CHECK(fs::exists(out + "/two/goroutine"));
  CHECK(w.process->log().find("watching 2 targets") != std::string::npos);
  // A config broken on reload: logged, the watch goes on.
  write_file(first, "services: [\n");
  w.process->signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(w.process->log().find("goes on with the previous targets") != std::string::npos);
  const auto m = w.metrics();
  CHECK(metric(m, "ncprof_target_up", {{"service", "two"}}) == 1.0);
  CHECK(metric(m, "ncprof_files_deleted_total", {{"reason", "age"}}).value_or(0) >= 1);
  w.process->signal(SIGINT);
  CHECK(w.process->wait(std::chrono::milliseconds(15000)) == 0);
  // --max-disk: a small budget holds.
  const std::string out2 = temp_dir("ncprof-watch") + "/profiles";
  auto w2 = Watch::start(fleet.config, {"--every", "1s", "--types", "heap,goroutine", "--max-disk", "20k"}, out2);
  std::this_thread::sleep_for(std::chrono::seconds(6));
  std::uintmax_t total = 0;
  for (auto& e : fs::recursive_directory_iterator(out2)) total += e.is_regular_file() ? e.file_size() : 0;
  CHECK(total <= 20 * 1024);
  CHECK(metric(w2.metrics(), "ncprof_files_deleted_total", {{"reason", "disk"}}).value_or(0) >= 1);
  w2.process->signal(SIGINT);
  CHECK(w2.process->wait(std::chrono::milliseconds(15000)) == 0);
}

TEST_CASE("watch: start-up errors are exit 2 in one line: config, output directory, --listen port, options", "[watch]") {
  auto fleet = Fleet::start({steady("svc")});
  const std::string dir = temp_dir("ncprof-watch");
  write_file(dir + "/bad.yaml", "services:\n  svc: [\n");
  write_file(dir + "/a-file", "x");
  const int busy = free_port();
  httplib::Server holder;
  REQUIRE(holder.bind_to_port("127.0.0.1", busy));
  std::thread t([&] { holder.listen_after_bind(); });
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--all", "--config", dir + "/bad.yaml"}, "bad.yaml"},
      {{"--all", "--config", fleet.config, "--out", dir + "/a-file/profiles"}, "a-file"},
      {{"--all", "--config", fleet.config, "--out", dir + "/p", "--listen", "127.0.0.1:" + std::to_string(busy)},
       std::to_string(busy)},
      {{"--all", "--config", fleet.config, "--types", "heap,bogus"}, "bogus"},
      {{"--all", "--config", fleet.config, "--every", "0"}, "--every"},
      {{"--all", "--config", fleet.config, "--push", "ftp://x"}, "--push"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"watch"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run_ncprof(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.says) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  holder.stop();
  t.join();
}

TEST_CASE("watch --push: every profile reaches Pyroscope's ingest API with its labels and header and a failing "
          "server is retried, counted, and loses no file",
          "[watch][push]") {
  struct Ingest {
    std::string method, path, name, format, spy, tenant, body;
    long from = 0, until = 0;
  };
  std::mutex mu;
  std::vector<Ingest> got;
  int fail_first = 2;  // the first two requests get a 503: retried
  httplib::Server server;
  server.Post("/ingest", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    if (fail_first-- > 0) {
      res.status = 503;
      return;
    }
    got.push_back({req.method, req.path, req.get_param_value("name"), req.get_param_value("format"),
                   req.get_param_value("spyName"), req.get_header_value("X-Scope-OrgID"), req.body,
                   std::stol(req.get_param_value("from")), std::stol(req.get_param_value("until"))});
    res.status = 200;
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread t([&] { server.listen_after_bind(); });
  auto fleet = Fleet::start({steady("pushed")});
  std::string yaml = read_file(fleet.config);
  yaml.insert(yaml.find("    pprof:"), "    labels:\n      env: staging\n");
  write_file(fleet.config, yaml);
  const std::string out = temp_dir("ncprof-watch") + "/profiles";
  ::setenv("NCPROF_TEST_TENANT", "tenant-7", 1);
  {
    Background w({ncprof_bin(), "watch", "--all", "--config", fleet.config, "--out", out, "--every", "1s", "--types",
                  "heap", "--push", "http://127.0.0.1:" + std::to_string(port), "--push-header",
                  "X-Scope-OrgID: ${NCPROF_TEST_TENANT}"});
    std::this_thread::sleep_for(std::chrono::seconds(5));
    w.signal(SIGINT);
    CHECK(w.wait(std::chrono::milliseconds(15000)) == 0);
    // The header's value is never printed.
    CHECK(w.log().find("tenant-7") == std::string::npos);
  }
  server.stop();
  t.join();
  std::lock_guard lock(mu);
  REQUIRE(got.size() >= 2);
  const auto files = list_dir(out + "/pushed/heap");
  for (const auto& g : got) {
    CHECK(g.method == "POST");
    CHECK(g.name == "pushed{env=staging}");
    CHECK(g.format == "pprof");
    CHECK(g.spy == "ncprof");
    CHECK(g.from > 1700000000);
    CHECK(g.from <= g.until);
    // The body is the profile captured, byte for byte, as kept on disk.
    auto p = ncprof::profile::decode_profile(g.body, "push body");
    CHECK(p.has_value());
    bool same = false;
    for (const auto& f : files) same = same || read_file(f) == g.body;
    CHECK(same);
  }
  CHECK(got.front().tenant == "tenant-7");

  // A server that is not there: each push is retried, then counted as an
  // error; the files stay and the captures go on.
  const std::string out2 = temp_dir("ncprof-watch") + "/profiles";
  auto w = Watch::start(fleet.config, {"--every", "1s", "--types", "heap", "--push",
                                       "http://127.0.0.1:" + std::to_string(free_port())},
                        out2);
  CHECK(w.wait_for(
      [](const std::string& m) { return metric(m, "ncprof_pushes_total", {{"result", "error"}}).value_or(0) >= 2; },
      std::chrono::seconds(20)));
  CHECK(list_dir(out2 + "/pushed/heap").size() >= 2);
  CHECK(w.process->log().find("the file stays") != std::string::npos);
  w.process->signal(SIGINT);
  CHECK(w.process->wait(std::chrono::milliseconds(15000)) == 0);
}

namespace {

// Prometheus's instant query: each result's labels and value.
std::vector<std::pair<json, double>> prom_query(int port, const std::string& q) {
  auto r = http_get(port, "/api/v1/query?query=" + ncprof::util::query_escape(q));
  std::vector<std::pair<json, double>> out;
  if (r.status != 200) return out;
  const auto doc = json::parse(r.body, nullptr, false);
  if (doc.is_discarded() || doc.value("status", "") != "success") return out;
  for (const auto& x : doc["data"]["result"]) out.emplace_back(x["metric"], std::stod(x["value"][1].get<std::string>()));
  return out;
}

std::optional<double> prom_value(int port, const std::string& q) {
  auto r = prom_query(port, q);
  if (r.size() != 1) return std::nullopt;
  return r.front().second;
}

}  // namespace

TEST_CASE("watch and a real Prometheus: scraped series show the leaking service as leaking, the steady one not, "
          "the goroutines rising, and ncprof alerts' rules fire",
          "[watch][prometheus]") {
  auto fleet = Fleet::start({leaking("leaky"), steady("steady")});
  const std::string out = temp_dir("ncprof-watch") + "/profiles";
  auto w = Watch::start(fleet.config, {"--every", "1s", "--window", "40s"}, out);
  // Prometheus on a loopback port with a temporary data directory, loading
  // the rules `ncprof alerts` prints.
  const std::string dir = temp_dir("ncprof-prometheus");
  auto rules = run_ncprof({"alerts", "--for", "1s", "-o", dir + "/alerts.yml"});
  REQUIRE(rules.exit_code == 0);
  const int prom_port = free_port();
  write_file(dir + "/prometheus.yml", "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                      "rule_files: [alerts.yml]\n"
                                      "scrape_configs:\n  - job_name: ncprof\n    static_configs:\n"
                                      "      - targets: ['127.0.0.1:" + std::to_string(w.port) + "']\n");
  Background prometheus({"prometheus", "--config.file=" + dir + "/prometheus.yml", "--storage.tsdb.path=" + dir + "/data",
                         "--web.listen-address=127.0.0.1:" + std::to_string(prom_port), "--log.level=warn"},
                        dir);
  REQUIRE(wait_for_port(prom_port));
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  bool leaking_seen = false;
  while (std::chrono::steady_clock::now() < until && !leaking_seen) {
    leaking_seen = prom_value(prom_port, "ncprof_leak_suspected{service=\"leaky\",signal=\"heap\"}") == 1.0 &&
                   prom_value(prom_port, "ncprof_leak_suspected{service=\"leaky\",signal=\"goroutines\"}") == 1.0;
    if (!leaking_seen) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  INFO(prometheus.log());
  CHECK(leaking_seen);
  CHECK(prom_value(prom_port, "ncprof_leak_suspected{service=\"steady\",signal=\"heap\"}") == 0.0);
  CHECK(prom_value(prom_port, "ncprof_leak_suspected{service=\"steady\",signal=\"goroutines\"}") == 0.0);
  CHECK(prom_value(prom_port, "up{job=\"ncprof\"}") == 1.0);
  // The leaker's goroutine series rises over 5 s of scrapes; the steady
  // one's does not (waited for until Prometheus holds 5 s of both).
  std::optional<double> rise, flat;
  until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until && !(rise && flat)) {
    rise = prom_value(prom_port, "ncprof_goroutines{service=\"leaky\"} - ncprof_goroutines{service=\"leaky\"} offset 5s");
    flat = prom_value(prom_port, "ncprof_goroutines{service=\"steady\"} - ncprof_goroutines{service=\"steady\"} offset 5s");
    if (!(rise && flat)) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  CHECK(rise.value_or(0) > 10);
  CHECK(flat == 0.0);
  // The alerts on the leak verdict fire for the leaking service only.
  bool firing = false;
  json alerts;
  until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until && !firing) {
    auto r = http_get(prom_port, "/api/v1/alerts");
    alerts = json::parse(r.body, nullptr, false);
    if (!alerts.is_discarded()) {
      for (const auto& a : alerts["data"]["alerts"]) {
        firing = firing || (a["labels"]["alertname"] == "NcprofHeapLeak" && a["labels"]["service"] == "leaky" &&
                            a["state"] == "firing");
      }
    }
    if (!firing) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  INFO(alerts.dump());
  CHECK(firing);
  for (const auto& a : alerts["data"]["alerts"]) CHECK(a["labels"].value("service", "") != "steady");
  prometheus.signal(SIGTERM);
  prometheus.wait(std::chrono::milliseconds(10000));
  w.process->signal(SIGINT);
  CHECK(w.process->wait(std::chrono::milliseconds(15000)) == 0);
}

TEST_CASE("config export: the services as a Parca scrape config (valid YAML) and an Alloy pipeline", "[watch][config]") {
  const std::string dir = temp_dir("ncprof-export");
  write_file(dir + "/ncprof.yaml",
             "replace: true\nservices:\n  source-manager:\n    pprof: 10.0.0.5:6061\n    labels: {env: prod, team: ingest}\n"
             "  search:\n    pprof: https://search.internal:8443/internal/debug/pprof\n");
  auto p = run_ncprof({"config", "export", "--config", dir + "/ncprof.yaml", "--format", "parca", "--every", "30s",
                       "--types", "heap,cpu", "-o", dir + "/parca.yaml"});
  REQUIRE(p.exit_code == 0);
  // Read back by a YAML parser: the structure Parca's scrape_configs take.
  auto parsed = run({"python3", "-c",
                     "import yaml,json,sys; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", dir + "/parca.yaml"});
  REQUIRE(parsed.exit_code == 0);
  const json doc = json::parse(parsed.out);
  const auto& jobs = doc["scrape_configs"];
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0]["job_name"] == "source-manager");
  CHECK(jobs[0]["scrape_interval"] == "30s");
  CHECK(jobs[0]["static_configs"][0]["targets"][0] == "10.0.0.5:6061");
  CHECK(jobs[0]["static_configs"][0]["labels"]["env"] == "prod");
  CHECK(jobs[0]["static_configs"][0]["labels"]["service"] == "source-manager");
  CHECK(jobs[0]["profiling_config"]["pprof_config"]["memory"]["enabled"] == true);
  CHECK(jobs[0]["profiling_config"]["pprof_config"]["process_cpu"]["enabled"] == true);
  CHECK(jobs[0]["profiling_config"]["pprof_config"]["goroutine"]["enabled"] == false);
  CHECK(jobs[1]["scheme"] == "https");
  CHECK(jobs[1]["static_configs"][0]["targets"][0] == "search.internal:8443");
  CHECK(jobs[1]["profiling_config"]["path_prefix"] == "/internal");
  auto a = run_ncprof({"config", "export", "--config", dir + "/ncprof.yaml", "--format", "alloy", "--write-url",
                       "http://pyroscope:4040"});
  REQUIRE(a.exit_code == 0);
  CHECK(a.out.find("pyroscope.scrape \"source_manager\" {") != std::string::npos);
  CHECK(a.out.find("{\"__address__\" = \"10.0.0.5:6061\", \"service_name\" = \"source-manager\", \"env\" = \"prod\", "
                   "\"team\" = \"ingest\"}") != std::string::npos);
  CHECK(a.out.find("url = \"http://pyroscope:4040\"") != std::string::npos);
  CHECK(a.out.find("forward_to      = [pyroscope.write.ncprof.receiver]") != std::string::npos);
  CHECK(std::count(a.out.begin(), a.out.end(), '{') == std::count(a.out.begin(), a.out.end(), '}'));
  auto bad = run_ncprof({"config", "export", "--config", dir + "/ncprof.yaml", "--types", "trace"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("trace") != std::string::npos);
}
