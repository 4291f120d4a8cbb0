// ncprof report and ncprof web, looked at in a real browser: headless
// Chromium loads the page and the tests assert on the DOM it built (the
// frames drawn, the table, the search), with the JSON ncprof prints beside.
#include <csignal>
#include <filesystem>
#include <regex>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ncprof/profile/codec.hpp"
#include "ncprof/util/strings.hpp"
#include "support/builder.hpp"
#include "support/fixture.hpp"
#include "support/png.hpp"

using namespace ncprof::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Page {
  std::string dom;
  std::string log;
  int exit_code = -1;
};

// Loads url in headless Chromium (a fresh profile, no network of its own)
// and returns the DOM after the page's scripts ran; optionally a screenshot.
Page load_page(const std::string& url, const std::string& screenshot = "") {
  const std::string profile_dir = temp_dir("ncprof-chromium");
  std::vector<std::string> argv = {NCPROF_TEST_CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                                   "--disable-quic", "--no-first-run", "--disable-background-networking",
                                   "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                                   "--enable-logging=stderr", "--v=0", "--window-size=1300,900",
                                   "--user-data-dir=" + profile_dir};
  if (!screenshot.empty()) {
    argv.push_back("--screenshot=" + screenshot);
  } else {
    argv.push_back("--dump-dom");
  }
  argv.push_back(url);
  auto r = run(argv, {}, std::chrono::seconds(120));
  fs::remove_all(profile_dir);
  return Page{r.out, r.err, r.exit_code};
}

// Firefox has no --dump-dom: a headless screenshot of url, read back.
std::optional<Image> firefox_shot(const std::string& url, const std::string& png) {
  const std::string profile_dir = temp_dir("ncprof-firefox");
  fs::remove(png);
  auto r = run({NCPROF_TEST_FIREFOX, "--headless", "--no-remote", "--profile", profile_dir, "--window-size=1300,900",
                "--screenshot", png, url},
               {{"HOME", profile_dir}, {"MOZ_CRASHREPORTER_DISABLE", "1"}}, std::chrono::seconds(120));
  fs::remove_all(profile_dir);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  return read_png(png);
}

std::string file_url(const std::string& path) { return "file://" + fs::absolute(path).string(); }

// The page's own console errors and uncaught exceptions, as Chromium logs them.
std::vector<std::string> console_errors(const std::string& log) {
  std::vector<std::string> out;
  for (auto line : ncprof::util::split_lines(log)) {
    if (line.find("CONSOLE") != std::string_view::npos || line.find("Uncaught") != std::string_view::npos) {
      out.emplace_back(line);
    }
  }
  return out;
}

std::string attr(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  auto pos = tag.find(key);
  if (pos == std::string::npos) return {};
  pos += key.size();
  return tag.substr(pos, tag.find('"', pos) - pos);
}

// The opening tags of elements whose start matches `prefix` (e.g. "<tr data-name").
std::vector<std::string> tags(const std::string& dom, const std::string& prefix) {
  std::vector<std::string> out;
  for (std::size_t pos = dom.find(prefix); pos != std::string::npos; pos = dom.find(prefix, pos + 1)) {
    out.push_back(dom.substr(pos, dom.find('>', pos) - pos + 1));
  }
  return out;
}

std::string unescape(std::string s) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}}) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  }
  return s;
}

struct Frame {
  std::string name;
  std::int64_t value = 0;
  std::string cls;
  std::string change;
};

std::vector<Frame> frames(const std::string& dom) {
  std::vector<Frame> out;
  for (const auto& t : tags(dom, "<div class=\"frame")) {
    out.push_back(Frame{unescape(attr(t, "data-name")), std::stoll(attr(t, "data-value")), attr(t, "class"),
                        attr(t, "data-change")});
  }
  return out;
}

std::string artifact_dir() {
  const std::string dir = std::string(NCPROF_TEST_ARTIFACTS);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("report: the page shows top's rows and the profile's total, without a console error", "[report][browser]") {
  const std::string dir = temp_dir("ncprof-report");
  const std::string heap = dir + "/heap.pb.gz";
  fs::copy_file(test_data_dir() + "/go-runtime/heap-2.pprof", heap);
  auto r = run_ncprof({"report", heap});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string html = dir + "/heap.html";  // named after the input, next to it
  CHECK(r.err.find(html) != std::string::npos);
  REQUIRE(file_exists(html));
  // Self-contained: nothing loaded from anywhere.
  const std::string text = read_file(html);
  CHECK(text.find("<script src") == std::string::npos);
  CHECK(text.find("<link") == std::string::npos);
  CHECK_FALSE(std::regex_search(text, std::regex(R"((src|href|action)\s*=\s*["']?(https?:)?//)")));
  CHECK_FALSE(std::regex_search(text, std::regex(R"(url\(\s*["']?(https?:)?//|@import|fetch\(|XMLHttpRequest)")));

  auto page = load_page(file_url(html));
  INFO(page.log.substr(0, 2000));
  REQUIRE(page.exit_code == 0);
  CHECK(console_errors(page.log).empty());
  CHECK(page.dom.find("data-render-ms=\"") != std::string::npos);

  auto top = run_ncprof({"top", heap, "--format", "json"});
  REQUIRE(top.exit_code == 0);
  const json expected = json::parse(top.out);
  const auto rows = tags(page.dom, "<tr data-name");
  REQUIRE(rows.size() == expected["rows"].size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(unescape(attr(rows[i], "data-name")) == expected["rows"][i]["name"].get<std::string>());
    CHECK(std::stoll(attr(rows[i], "data-flat")) == expected["rows"][i]["flat"].get<std::int64_t>());
    CHECK(std::stoll(attr(rows[i], "data-cum")) == expected["rows"][i]["cum"].get<std::int64_t>());
  }
  const auto fr = frames(page.dom);
  REQUIRE_FALSE(fr.empty());
  CHECK(fr[0].name == "root");
  CHECK(fr[0].value == expected["total"].get<std::int64_t>());
  // Another sample type from the URL, without regenerating the file.
  auto allocs = run_ncprof({"top", heap, "--format", "json", "--sample-index", "alloc_space"});
  auto page2 = load_page(file_url(html) + "#type=alloc_space");
  const auto fr2 = frames(page2.dom);
  REQUIRE_FALSE(fr2.empty());
  CHECK(fr2[0].value == json::parse(allocs.out)["total"].get<std::int64_t>());
  CHECK(tags(page2.dom, "<tr data-name").size() == json::parse(allocs.out)["rows"].size());

  // The page's own latency measurement (scripts/bench-top.sh): hovers and
  // zooms, then back to the whole graph, with no error on the way.
  auto bench = load_page(file_url(html) + "#bench=20");
  CHECK(console_errors(bench.log).empty());
  const auto body = tags(bench.dom, "<body data-");
  REQUIRE(body.size() == 1);
  for (const char* a : {"data-hover-ms", "data-hover-max-ms", "data-zoom-ms", "data-zoom-max-ms"}) {
    INFO(a << " in " << body[0]);
    CHECK(std::regex_match(attr(body[0], a), std::regex(R"(\d+\.\d)")));
  }
  CHECK(bench.dom.find("data-zoom=\"0\"") != std::string::npos);
  CHECK(frames(bench.dom).size() == fr.size());

  // A screenshot for people to look at (a test artefact).
  const std::string png = artifact_dir() + "/report-heap.png";
  fs::remove(png);
  auto shot = load_page(file_url(html) + "#search=main%5C.", png);
  CHECK(shot.exit_code == 0);
  CHECK(file_exists(png));
  fs::remove_all(dir);
}

TEST_CASE("report: search marks the matching frames and their share, counted once per stack", "[report][browser]") {
  const std::string dir = temp_dir("ncprof-report");
  const std::string cpu = dir + "/cpu.pb.gz";
  // main.work calls itself: its share must not be counted twice.
  auto p = ProfileBuilder::cpu()
               .sample({"main.work", "main.work", "main.main"}, {3, 300})
               .sample({"main.other", "main.main"}, {1, 100})
               .sample({"main.work", "main.serve", "main.main"}, {6, 600})
               .build();
  write_file(cpu, ncprof::profile::encode_profile(p));
  REQUIRE(run_ncprof({"report", cpu, "-o", dir + "/cpu.html"}).exit_code == 0);
  auto page = load_page(file_url(dir + "/cpu.html") + "#search=work");
  REQUIRE(page.exit_code == 0);
  int marked = 0;
  for (const auto& f : frames(page.dom)) {
    const bool match = f.cls.find("match") != std::string::npos;
    CHECK(match == (f.name.find("work") != std::string::npos));
    marked += match;
  }
  CHECK(marked == 3);  // work, work (recursive) and work under serve
  CHECK(page.dom.find("data-matched=\"900\"") != std::string::npos);
  CHECK(page.dom.find("Matched: 90") != std::string::npos);
  // Go's syntax, as top's --focus takes it: flags, Unicode and POSIX
  // classes, \Q...\E; each marks the same frames.
  for (const std::string go : {"(?i)^MAIN%5C.WORK%24", "main%5C.%5CpL%2Bk", "%5Emain.w%5B%5B%3Aalpha%3A%5D%5D%2B%5Cz",
                               "%5CQmain.work%5CE"}) {
    auto same = load_page(file_url(dir + "/cpu.html") + "#search=" + go);
    INFO(go);
    CHECK(console_errors(same.log).empty());
    CHECK(same.dom.find("data-matched=\"900\"") != std::string::npos);
  }
  auto bad = load_page(file_url(dir + "/cpu.html") + "#search=(?U)work");
  CHECK(bad.dom.find("bad regexp: flag U is not supported") != std::string::npos);
  // Zoom from the URL: the zoomed frame spans the width, its ancestors kept.
  auto zoomed = load_page(file_url(dir + "/cpu.html") + "#select=main.serve&zoom=2");
  CHECK(zoomed.dom.find("data-zoom=\"2\"") != std::string::npos);
  CHECK(zoomed.dom.find("class=\"frame ancestor\"") != std::string::npos);
  CHECK(zoomed.dom.find("<tr data-name=\"main.serve\" data-flat=\"0\" data-cum=\"600\" class=\"selected\">") !=
        std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("report: the page draws from file:// in Firefox too", "[report][browser][firefox]") {
  const std::string dir = temp_dir("ncprof-report");
  const std::string cpu = dir + "/cpu.pb.gz";
  auto p = ProfileBuilder::cpu()
               .sample({"main.work", "main.main"}, {9, 900})
               .sample({"main.other", "main.main"}, {1, 100})
               .build();
  write_file(cpu, ncprof::profile::encode_profile(p));
  REQUIRE(run_ncprof({"report", cpu, "-o", dir + "/cpu.html"}).exit_code == 0);
  // The frames are made by the page's script: the root spans the graph's
  // width in its grey, hsl(0, 0%, 88%).
  const Rgb root{224, 224, 224}, match{0xe0, 0x40, 0xe0};
  auto plain = firefox_shot(file_url(dir + "/cpu.html"), artifact_dir() + "/firefox-report.png");
  REQUIRE(plain);
  CHECK(plain->width == 1300);
  CHECK(longest_run(*plain, root, 1) > 1100);
  CHECK(longest_run(*plain, match, 1) == 0);
  // A search from the URL marks main.work, 90% of the width, in the match colour.
  auto searched = firefox_shot(file_url(dir + "/cpu.html") + "#search=(?i)WORK", artifact_dir() + "/firefox-search.png");
  REQUIRE(searched);
  const int marked = longest_run(*searched, match, 1);
  CHECK(marked > 1000);
  CHECK(marked < 1200);
  fs::remove_all(dir);
}

TEST_CASE("report: a function name is text, never HTML", "[report][browser]") {
  const std::string dir = temp_dir("ncprof-report");
  const std::string cpu = dir + "/evil.pb.gz";
  const std::string evil = "main.</script><img src=x onerror=\"document.title='pwned'\"><b id=injected>x</b>";
  auto p = ProfileBuilder::cpu().sample({"main.evil", "main.main"}, {1, 100}).build();
  for (auto& f : p.functions) {
    if (f.name == "main.evil") f.name = evil;  // the builder reads '>' as inlining
  }
  write_file(cpu, ncprof::profile::encode_profile(p));
  REQUIRE(run_ncprof({"report", cpu, "-o", dir + "/evil.html", "--title", "<i id=titled>t</i>"}).exit_code == 0);
  auto page = load_page(file_url(dir + "/evil.html"));
  REQUIRE(page.exit_code == 0);
  CHECK(console_errors(page.log).empty());
  // Outside the (inert) JSON data, no element was made from the names.
  std::string shown_dom = page.dom;
  const auto data = shown_dom.find("<script type=\"application/json\"");
  if (data != std::string::npos) shown_dom.erase(data, shown_dom.find("</script>", data) - data);
  CHECK(shown_dom.find("id=\"injected\"") == std::string::npos);
  CHECK(shown_dom.find("id=\"titled\"") == std::string::npos);
  CHECK(shown_dom.find("<img") == std::string::npos);
  CHECK(shown_dom.find("<title>pwned") == std::string::npos);
  bool shown = false;
  for (const auto& f : frames(page.dom)) shown = shown || f.name == evil;
  CHECK(shown);
  fs::remove_all(dir);
}

TEST_CASE("report --base: two captures of a leaking service show the leaking function as grown", "[report][browser]") {
  GoServiceOptions o;
  o.name = "leaky";
  o.leak_heap = 4 << 20;  // 4 MiB/s: many sampled allocations within seconds
  auto s = start_go_service(o);
  const std::string dir = temp_dir("ncprof-report");
  auto first = run_ncprof({"capture", s.pprof_target(), "--type", "heap", "--gc", "--out", dir + "/a"});
  REQUIRE(first.exit_code == 0);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto second = run_ncprof({"capture", s.pprof_target(), "--type", "heap", "--gc", "--out", dir + "/b"});
  REQUIRE(second.exit_code == 0);
  const std::string before = list_dir(dir + "/a").front();
  const std::string after = list_dir(dir + "/b").front();
  auto r = run_ncprof({"report", after, "--base", before, "-o", dir + "/diff.html"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto page = load_page(file_url(dir + "/diff.html"));
  REQUIRE(page.exit_code == 0);
  CHECK(console_errors(page.log).empty());
  bool grown = false;
  for (const auto& f : frames(page.dom)) {
    if (f.name == "main.retainBuffer") grown = f.change == "grown" || f.change == "appeared";
  }
  CHECK(grown);
  // The table has Base, New and Delta; the leak's Delta is top --base's.
  CHECK(page.dom.find(">Delta</th>") != std::string::npos);
  auto top = run_ncprof({"top", after, "--base", before, "--format", "json"});
  const json t = json::parse(top.out);
  for (const auto& row : t["rows"]) {
    if (row["name"] == "main.retainBuffer") {
      CHECK(page.dom.find("<tr data-name=\"main.retainBuffer\" data-flat=\"" +
                          std::to_string(row["flat"].get<std::int64_t>()) + "\"") != std::string::npos);
    }
  }
  load_page(file_url(dir + "/diff.html"), artifact_dir() + "/report-diff.png");
  fs::remove_all(dir);
}

TEST_CASE("report: bad input is exit 2 naming the file, and no page is left", "[report][errors]") {
  const std::string dir = temp_dir("ncprof-report");
  const std::string bad = dir + "/bad.pb.gz";
  write_file(bad, "<html>not a profile</html>");
  auto r = run_ncprof({"report", bad, "-o", dir + "/bad.html"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(bad) != std::string::npos);
  CHECK_FALSE(file_exists(dir + "/bad.html"));
  CHECK(run_ncprof({"report", dir + "/missing.pb.gz"}).exit_code == 2);
  CHECK(run_ncprof({"report", test_data_dir() + "/go-runtime/heap-1.pprof", "--focus", "(", "-o", dir + "/f.html"})
            .exit_code == 2);
  CHECK_FALSE(file_exists(dir + "/f.html"));
  fs::remove_all(dir);
}

TEST_CASE("web: serves the page on the address asked, twice, refuses a port in use, stops on SIGINT", "[web]") {
  const std::string heap = test_data_dir() + "/go-runtime/heap-2.pprof";
  const int port = free_port();
  Background web({ncprof_bin(), "web", heap, "--http", "127.0.0.1:" + std::to_string(port), "--no-browser"});
  REQUIRE(wait_for_port(port));
  for (int i = 0; i < 2; ++i) {
    auto r = http_get(port, "/");
    CHECK(r.status == 200);
    CHECK(r.body.find("id=\"ncprof-data\"") != std::string::npos);
    CHECK(r.body.find("main.retainBuffer") != std::string::npos);
  }
  CHECK(http_get(port, "/elsewhere").status == 404);
  // The same port again: a clear error, exit 2.
  auto busy = run_ncprof({"web", heap, "--http", "127.0.0.1:" + std::to_string(port), "--no-browser"});
  CHECK(busy.exit_code == 2);
  CHECK(busy.err.find(std::to_string(port)) != std::string::npos);
  // The served page draws in the browser as the file does.
  auto page = load_page("http://127.0.0.1:" + std::to_string(port) + "/");
  CHECK(page.dom.find("data-render-ms=\"") != std::string::npos);
  web.signal(SIGINT);
  CHECK(web.wait(std::chrono::milliseconds(5000)) == 0);
  CHECK(web.log().find("http://127.0.0.1:" + std::to_string(port) + "/") != std::string::npos);
  // ":PORT" means localhost, as pprof's -http.
  const int port2 = free_port();
  Background local({ncprof_bin(), "web", heap, "--http", ":" + std::to_string(port2), "--no-browser"});
  REQUIRE(wait_for_port(port2));
  CHECK(http_get(port2, "/").status == 200);
  local.signal(SIGTERM);
  CHECK(local.wait(std::chrono::milliseconds(5000)) == 0);
}

TEST_CASE("compare-heap writes a page: where the heap grew, the two points, the verdict", "[report][browser][compare]") {
  GoServiceOptions o;
  o.name = "crawler";
  o.leak_heap = 4 << 20;
  auto s = start_go_service(o);
  const std::string dir = temp_dir("ncprof-report");
  auto r = run_ncprof({"compare-heap", s.pprof_target(), "--interval", "3s", "--out", dir, "--format", "json"});
  INFO(r.out << r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  const json doc = json::parse(r.out);
  REQUIRE(doc.contains("html"));
  const std::string html = doc["html"];
  CHECK(html.find(dir + "/heap_comparison/") == 0);
  REQUIRE(file_exists(html));
  auto page = load_page(file_url(html));
  REQUIRE(page.exit_code == 0);
  CHECK(console_errors(page.log).empty());
  CHECK(page.dom.find("class=\"verdict " + doc["verdict"].get<std::string>() + "\"") != std::string::npos);
  CHECK(page.dom.find("data-series=\"heap_mb\"") != std::string::npos);
  CHECK(page.dom.find("class=\"trend\"") != std::string::npos);
  bool grown = false;
  for (const auto& f : frames(page.dom)) {
    if (f.name == "main.retainBuffer") grown = f.change == "grown" || f.change == "appeared";
  }
  CHECK(grown);
  // Each point links to its own profile's flame graph: the baseline's root
  // is the baseline's total, the current's the current's.
  CHECK(page.dom.find("<a href=\"#view=1\"") != std::string::npos);
  CHECK(page.dom.find("<a href=\"#view=2\"") != std::string::npos);
  for (const auto& [view, side] : {std::pair{"1", "baseline"}, {"2", "current"}}) {
    auto shown = load_page(file_url(html) + "#view=" + view + "&type=" + doc["sample_index"].get<std::string>());
    REQUIRE(shown.exit_code == 0);
    CHECK(console_errors(shown.log).empty());
    CHECK(shown.dom.find("id=\"view-name\" data-view=\"" + std::string(view) + "\"") != std::string::npos);
    CHECK(shown.dom.find(std::string(side) + ": " + doc[side]["file"].get<std::string>()) != std::string::npos);
    auto fs_ = frames(shown.dom);
    REQUIRE_FALSE(fs_.empty());
    CHECK(fs_[0].name == "root");
    CHECK(fs_[0].value == doc[side]["total"].get<std::int64_t>());
  }
  load_page(file_url(html), artifact_dir() + "/compare-heap.png");
  load_page(file_url(html) + "#view=2", artifact_dir() + "/compare-heap-current.png");
  fs::remove_all(dir);
}

TEST_CASE("leak-check writes a page: every sample on the timeline with its trend, each linked to its own flame graph",
          "[report][browser][leak]") {
  GoServiceOptions o;
  o.name = "crawler";
  o.leak_heap = 1 << 20;
  o.leak_goroutines = 5;
  auto s = start_go_service(o);
  const std::string dir = temp_dir("ncprof-report");
  const std::string html = dir + "/pages/leak.html";
  auto r = run_ncprof({"leak-check", s.pprof_target(), "--interval", "1s", "--count", "7", "--warmup", "1", "--log-dir",
                       dir, "--html", html, "--format", "json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const json doc = json::parse(r.out);
  const json& svc = doc["services"][0];
  REQUIRE(svc["verdict"] == "LEAK");
  CHECK(svc["html"] == html);
  auto page = load_page(file_url(html));
  REQUIRE(page.exit_code == 0);
  CHECK(console_errors(page.log).empty());
  CHECK(page.dom.find("class=\"verdict LEAK\"") != std::string::npos);
  // Two charts (heap, goroutines), each with a fitted trend and 7 points,
  // the warm-up one hollow; every point links to its sample's profile.
  CHECK(tags(page.dom, "<svg").size() == 2);
  CHECK(tags(page.dom, "<line").size() == 2);
  CHECK(tags(page.dom, "<circle").size() == 14);
  CHECK(tags(page.dom, "<a href=\"#view=").size() == 14);
  std::size_t hollow = 0;
  for (const auto& c : tags(page.dom, "<circle")) hollow += attr(c, "fill") == "#fff";
  CHECK(hollow == 2);
  // The main graph is where the heap grew, first sample after warm-up to last.
  bool grown = false;
  for (const auto& f : frames(page.dom)) {
    if (f.name == "main.retainBuffer") grown = f.change == "grown" || f.change == "appeared";
  }
  CHECK(grown);
  // A point's view is that sample's own heap profile: its root is the
  // in-use total leak-check measured for that sample.
  for (int k : {1, 4, 7}) {
    auto shown = load_page(file_url(html) + "#view=" + std::to_string(k) + "&type=inuse_space");
    REQUIRE(shown.exit_code == 0);
    CHECK(console_errors(shown.log).empty());
    CHECK(shown.dom.find("id=\"view-name\" data-view=\"" + std::to_string(k) + "\"") != std::string::npos);
    auto drawn = frames(shown.dom);
    REQUIRE_FALSE(drawn.empty());
    CHECK(drawn[0].value == svc["samples"][k - 1]["heap_inuse"].get<std::int64_t>());
  }
  load_page(file_url(html), artifact_dir() + "/leak-check.png");
  load_page(file_url(html) + "#view=4", artifact_dir() + "/leak-check-sample4.png");
  fs::remove_all(dir);
}

TEST_CASE("compare-heap and leak-check refuse an unusable --html before any capture or wait", "[report][errors]") {
  const std::string dir = temp_dir("ncprof-report");
  write_file(dir + "/file", "not a directory");
  const std::string bad = dir + "/file/page.html";
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {"compare-heap", "127.0.0.1:1", "--interval", "1h", "--out", dir, "--html", bad},
           {"leak-check", "127.0.0.1:1", "--interval", "1h", "--log-dir", dir, "--html", bad},
           {"leak-check", "127.0.0.1:1", "--interval", "1h", "--log-dir", dir, "--html", dir}}) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_ncprof(argv);
    INFO(argv[0] << " " << argv.back() << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("ncprof: error: --html " + argv.back()) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30));
  }
  fs::remove_all(dir);
}
