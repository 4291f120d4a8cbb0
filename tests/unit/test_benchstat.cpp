#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

#include "ncprof/bench/benchstat.hpp"
#include "ncprof/bench/runner.hpp"

using namespace ncprof::bench;
using Catch::Detail::Approx;

namespace {

// Brute force: the two-sided p of the U test by enumerating every way to
// split the pooled values into the two samples.
double brute_force_p(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> pooled(a);
  pooled.insert(pooled.end(), b.begin(), b.end());
  const int n = static_cast<int>(pooled.size()), n1 = static_cast<int>(a.size());
  auto u_of = [&](unsigned mask) {
    double u = 0;
    for (int i = 0; i < n; ++i) {
      if (!(mask >> i & 1)) continue;
      for (int j = 0; j < n; ++j) {
        if (mask >> j & 1) continue;
        u += pooled[i] < pooled[j] ? 1 : (pooled[i] == pooled[j] ? 0.5 : 0);
      }
    }
    return u;
  };
  unsigned observed = (1u << n1) - 1;
  double u1 = u_of(observed);
  double usmall = std::min(u1, n1 * (n - n1) - u1);
  double count = 0, total = 0;
  for (unsigned m = 0; m < (1u << n); ++m) {
    if (__builtin_popcount(m) != n1) continue;
    total += 1;
    if (u_of(m) <= usmall + 1e-9) count += 1;
  }
  return 2 * count / total;
}

BenchData parse(const std::string& text, const std::string& label = "f.txt") {
  BenchData d;
  parse_bench(text, label, d);
  return d;
}

}  // namespace

TEST_CASE("median confidence interval from binomial order statistics", "[bench][stats]") {
  // n=6: orders 1..6 cover 62/64 = 96.9% (computed by hand from C(6,k)/64).
  auto ci6 = quantile_ci(6, 0.5, 0.95);
  CHECK(ci6.lo_order == 1);
  CHECK(ci6.hi_order == 6);
  CHECK(ci6.confidence == Approx(62.0 / 64));
  // n=5 needs order 0: an infinite bound.
  auto ci5 = quantile_ci(5, 0.5, 0.95);
  CHECK(ci5.lo_order == 0);
  auto s = summarize({1, 2, 3, 4, 5}, false, 0.95);
  CHECK(s.center == 3);
  CHECK(std::isinf(s.lo));
  CHECK(s.pct_range() == "\xe2\x88\x9e");
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0] == "need >= 6 samples for confidence interval at level 0.95");
  auto s6 = summarize({10, 11, 12, 13, 14, 20}, false, 0.95);
  CHECK(s6.center == 12.5);  // R8 median of an even sample: the mean of the middle two
  CHECK(s6.lo == 10);
  CHECK(s6.hi == 20);
  CHECK(s6.pct_range() == "60%");
}

TEST_CASE("Mann-Whitney U: exact without ties matches 2/C(10,5)", "[bench][stats]") {
  auto r = mann_whitney_u({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
  REQUIRE(r.ok);
  CHECK(r.p == Approx(2.0 / 252));
  Comparison c = compare({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, false, 0.05);
  CHECK(c.str() == "p=0.008 n=5");
  CHECK(c.format_delta(3, 8) == "+166.67%");
  // Interleaved samples: nothing to see.
  auto same = compare({1, 3, 5, 7, 9, 11}, {2, 4, 6, 8, 10, 12}, false, 0.05);
  CHECK(same.p > 0.05);
  CHECK(same.format_delta(6, 7) == "~");
}

TEST_CASE("Mann-Whitney U: exact with ties equals brute-force enumeration", "[bench][stats]") {
  std::vector<std::pair<std::vector<double>, std::vector<double>>> cases = {
      {{1, 1, 2, 3}, {2, 3, 3, 4}},
      {{5, 5, 5, 6, 7}, {5, 6, 6, 8, 8}},
      {{1, 2, 2, 2, 3, 3}, {3, 4, 4, 5, 5, 6}},
  };
  for (const auto& [a, b] : cases) {
    auto r = mann_whitney_u(a, b);
    REQUIRE(r.ok);
    CHECK(r.p == Approx(brute_force_p(a, b)).epsilon(1e-12));
  }
}

TEST_CASE("Mann-Whitney U: normal approximation with tie and continuity corrections", "[bench][stats]") {
  // 30 per side with ties: beyond the exact limit for tied samples.
  std::vector<double> a, b;
  for (int i = 0; i < 30; ++i) {
    a.push_back(i / 3);
    b.push_back(i / 3 + 2);
  }
  auto r = mann_whitney_u(a, b);
  REQUIRE(r.ok);
  // By hand: U1 from mid-ranks, sigma with sum(t^3 - t).
  std::vector<std::pair<double, int>> pooled;
  for (double x : a) pooled.push_back({x, 1});
  for (double x : b) pooled.push_back({x, 2});
  std::sort(pooled.begin(), pooled.end());
  double r1 = 0, ties = 0;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second == 1) r1 += static_cast<double>(i + 1 + j) / 2.0;
    }
    double t = static_cast<double>(j - i);
    ties += t * t * t - t;
    i = j;
  }
  double u1 = r1 - 30.0 * 31 / 2, N = 60;
  double sigma = std::sqrt(900 * ((N + 1) - ties / (N * (N - 1))) / 12);
  double z = (u1 - 450 + 0.5) / sigma;  // u1 < mean: continuity correction adds 0.5
  double p = 2 * 0.5 * std::erfc(-z / std::sqrt(2.0));
  CHECK(r.p == Approx(p).epsilon(1e-12));
}

TEST_CASE("all-equal samples and too few samples", "[bench][stats]") {
  auto eq = compare({3, 3, 3}, {3, 3, 3}, false, 0.05);
  CHECK(eq.p == 1);
  REQUIRE(!eq.warnings.empty());
  CHECK(eq.warnings[0] == "all samples are equal");
  auto small = compare({1, 2, 3}, {4, 5, 6}, false, 0.05);
  CHECK(small.p == Approx(0.1));
  REQUIRE(small.warnings.size() == 1);
  CHECK(small.warnings[0] == "need >= 4 samples to detect a difference at alpha level 0.05");
}

TEST_CASE("assume=exact: the mode, a warning on variation, no test needed", "[bench][stats]") {
  auto s = summarize({100, 101, 101}, true, 0.95);
  CHECK(s.center == 101);
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0] == "exact distribution expected, but values range from 100 to 101");
  auto c = compare({100}, {105}, true, 0.05);
  CHECK(c.p == 0);
  CHECK(c.str() == "n=1");
  CHECK(c.format_delta(100, 105) == "+5.00%");
}

TEST_CASE("the benchmark format: config, units, repeats, metadata, broken lines", "[bench][format]") {
  auto d = parse(
      "goos: linux\npkg: example.com/svc\nUnit ns/op assume=exact\n"
      "BenchmarkParse/size=small-8   1000   1234 ns/op   64 B/op   2 allocs/op   3.5 MB/s\n"
      "BenchmarkParse/size=small-8   1000   1250 ns/op   64 B/op   2 allocs/op   3.4 MB/s\n"
      "BenchmarkBroken-8  abc  12 ns/op\n"
      "BenchmarkOdd-8  10  12\n"
      "some test output: with a colon\n"
      "PASS\n",
      "new.txt");
  REQUIRE(d.results.size() == 2);
  const auto& r = d.results[0];
  CHECK(r.fullname == "Parse/size=small-8");
  CHECK(r.name == "Parse");
  CHECK(r.iterations == 1000);
  REQUIRE(r.values.size() == 4);
  CHECK(r.values[0].unit == "sec/op");
  CHECK(r.values[0].value == Approx(1234e-9));
  CHECK(r.values[3].unit == "B/s");
  CHECK(r.values[3].value == Approx(3.5e6));
  CHECK(d.config_of(r) == std::vector<std::pair<std::string, std::string>>{{"goos", "linux"}, {"pkg", "example.com/svc"}});
  CHECK(d.exact("sec/op"));
  REQUIRE(d.errors.size() == 2);
  CHECK(d.errors[0].text() == "new.txt:6: parsing iteration count: invalid syntax \"abc\"");
  CHECK(d.errors[1].text().rfind("new.txt:7: ", 0) == 0);
  CHECK(tidy_unit("ns/frame").first == "sec/frame");
  CHECK(tidy_unit("MB/op").second == 1e6);
  CHECK(binary_unit("B/op"));
  CHECK_FALSE(binary_unit("allocs/op"));
  CHECK(lower_is_better("sec/op"));
  CHECK_FALSE(lower_is_better("B/s"));
}

TEST_CASE("text tables in benchstat's layout", "[bench][layout]") {
  BenchData d;
  parse_bench("BenchmarkX 1 100 ns/op\n", "before", d);
  parse_bench("BenchmarkX 1 101 ns/op\n", "after", d);
  auto text = render_text(build_tables(d, {}));
  CHECK(text ==
        "  \xe2\x94\x82    before    \xe2\x94\x82              after              \xe2\x94\x82\n"
        "  \xe2\x94\x82    sec/op    \xe2\x94\x82    sec/op     vs base           \xe2\x94\x82\n"
        "X   100.0n \xc2\xb1 \xe2\x88\x9e \xc2\xb9   101.0n \xc2\xb1 \xe2\x88\x9e \xc2\xb9  ~ (p=1.000 n=1) \xc2\xb2\n"
        "\xc2\xb9 need >= 6 samples for confidence interval at level 0.95\n"
        "\xc2\xb2 need >= 4 samples to detect a difference at alpha level 0.05\n");

  BenchData u;
  parse_bench("Unit text-bytes assume=exact\nBenchmarkSize 1 100 text-bytes\nBenchmarkNonExact 1 100 text-bytes\n"
              "BenchmarkNonExact 1 101 text-bytes\nBenchmarkNonExact 1 101 text-bytes\n",
              "before", u);
  parse_bench("BenchmarkSize 1 105 text-bytes\nBenchmarkNonExact 1 101 text-bytes\n"
              "BenchmarkNonExact 1 101 text-bytes\nBenchmarkNonExact 1 101 text-bytes\n",
              "after", u);
  CHECK(render_text(build_tables(u, {})) ==
        "         \xe2\x94\x82    before    \xe2\x94\x82          after           \xe2\x94\x82\n"
        "         \xe2\x94\x82  text-bytes  \xe2\x94\x82 text-bytes  vs base      \xe2\x94\x82\n"
        "Size       100.0 \xc2\xb1 0%     105.0 \xc2\xb1 0%  +5.00% (n=1)\n"
        "NonExact   101.0 \xc2\xb1 1% \xc2\xb9   101.0 \xc2\xb1 0%   0.00% (n=3)\n"
        "geomean    100.5          103.0       +2.47%\n"
        "\xc2\xb9 exact distribution expected, but values range from 100 to 101\n");
}

TEST_CASE("the CI gate: significant and over the threshold, in the bad direction", "[bench][gate]") {
  BenchData d;
  parse_bench("BenchmarkA 1 100 ns/op 10 MB/s\nBenchmarkA 1 101 ns/op 10 MB/s\nBenchmarkA 1 102 ns/op 10 MB/s\n"
              "BenchmarkA 1 100 ns/op 11 MB/s\nBenchmarkA 1 101 ns/op 10 MB/s\nBenchmarkA 1 99 ns/op 10 MB/s\n",
              "old", d);
  parse_bench("BenchmarkA 1 130 ns/op 7 MB/s\nBenchmarkA 1 131 ns/op 7 MB/s\nBenchmarkA 1 129 ns/op 7 MB/s\n"
              "BenchmarkA 1 132 ns/op 8 MB/s\nBenchmarkA 1 128 ns/op 7 MB/s\nBenchmarkA 1 130 ns/op 7 MB/s\n",
              "new", d);
  auto tables = build_tables(d, {});
  auto hits = regressions(tables, 10, 0.05);
  REQUIRE(hits.size() == 2);  // slower time and less throughput
  CHECK(hits[0].unit == "sec/op");
  CHECK(hits[0].delta_pct == Approx((130 / 100.5 - 1) * 100));
  CHECK(hits[1].unit == "B/s");
  CHECK(regressions(tables, 40, 0.05).size() == 0);
  // Faster is never a regression.
  BenchData f;
  parse_bench("BenchmarkA 1 130 ns/op\nBenchmarkA 1 131 ns/op\nBenchmarkA 1 129 ns/op\nBenchmarkA 1 132 ns/op\n", "old", f);
  parse_bench("BenchmarkA 1 100 ns/op\nBenchmarkA 1 101 ns/op\nBenchmarkA 1 99 ns/op\nBenchmarkA 1 102 ns/op\n", "new", f);
  CHECK(regressions(build_tables(f, {}), 10, 0.05).empty());
}
