#include <cmath>

#include <catch2/catch.hpp>

#include "ncprof/leak/trend.hpp"

using namespace ncprof::leak;
using Catch::Detail::Approx;

namespace {
std::vector<double> times(std::size_t n, double step = 2.0) {
  std::vector<double> t;
  for (std::size_t i = 0; i < n; ++i) t.push_back(static_cast<double>(i) * step);
  return t;
}
// Deterministic noise in [-1, 1].
double noise(std::size_t i) { return std::sin(static_cast<double>(i) * 12.9898) * 0.999; }

TrendRule bytes_rule() { return TrendRule{0.01, 10 * 1024.0, 0, 5, "bytes"}; }
TrendRule goroutine_rule() { return TrendRule{0.01, 60.0 / 3600, 0, 5, "goroutines"}; }
}  // namespace

TEST_CASE("Mann-Kendall S, variance and z computed by hand", "[leak][trend]") {
  auto mk = mann_kendall({1, 2, 3, 4, 5});
  CHECK(mk.s == 10);
  CHECK(mk.variance == Approx(5.0 * 4 * 15 / 18));
  CHECK(mk.z == Approx(9 / std::sqrt(5.0 * 4 * 15 / 18)));
  // Ties: [1,1,2,2] has S = 4 and the tie-corrected variance (156-36)/18.
  auto tied = mann_kendall({1, 1, 2, 2});
  CHECK(tied.s == 4);
  CHECK(tied.variance == Approx(120.0 / 18));
  CHECK(mann_kendall({5, 4, 3, 2, 1}).z < 0);
  CHECK(mann_kendall({3, 3, 3, 3}).z == 0);
}

TEST_CASE("Theil-Sen ignores an outlier, quantiles of the normal", "[leak][trend]") {
  CHECK(theil_sen_slope({0, 1, 2, 3, 4}, {0, 2, 4, 6, 100}) == Approx(2.0));
  CHECK(theil_sen_slope({0, 1, 2}, {5, 5, 5}) == 0);
  CHECK(normal_upper_quantile(0.05) == Approx(1.6449).epsilon(1e-4));
  CHECK(normal_upper_quantile(0.01) == Approx(2.3263).epsilon(1e-4));
  CHECK(median({3, 1, 2}) == 2);
  CHECK(median({4, 1, 2, 3}) == 2.5);
}

TEST_CASE("flat and noisy flat series are OK", "[leak][trend]") {
  auto t = times(13);
  std::vector<double> flat(13, 8e6), noisy;
  for (std::size_t i = 0; i < 13; ++i) noisy.push_back(8e6 + 300e3 * noise(i));
  CHECK(assess_trend(t, flat, bytes_rule()).verdict == Verdict::ok);
  auto r = assess_trend(t, noisy, bytes_rule());
  CHECK(r.verdict == Verdict::ok);
}

TEST_CASE("a GC sawtooth without net growth is OK", "[leak][trend]") {
  auto t = times(15);
  std::vector<double> saw;
  for (std::size_t i = 0; i < 15; ++i) saw.push_back(4e6 + static_cast<double>(i % 4) * 1.5e6);
  auto r = assess_trend(t, saw, bytes_rule());
  CHECK(r.verdict == Verdict::ok);
}

TEST_CASE("steady growth is a LEAK, slow growth under the floor is OK", "[leak][trend]") {
  auto t = times(13);
  std::vector<double> fast, slow;
  for (std::size_t i = 0; i < 13; ++i) {
    fast.push_back(2e6 + 100e3 * t[i] + 50e3 * noise(i));  // 100 KB/s
    slow.push_back(50e6 + 1e3 * t[i]);                     // 1 KB/s on 50 MB
  }
  auto leak = assess_trend(t, fast, bytes_rule());
  CHECK(leak.verdict == Verdict::leak);
  CHECK(leak.slope == Approx(100e3).epsilon(0.1));
  auto r = assess_trend(t, slow, bytes_rule());
  CHECK(r.z > 2.33);  // the trend is real ...
  CHECK(r.verdict == Verdict::ok);  // ... but too small to call a leak
  CHECK(r.reason.find("under the floor") != std::string::npos);
}

TEST_CASE("a one-time step change is not a leak", "[leak][trend]") {
  auto t = times(12);
  std::vector<double> early, middle;
  for (std::size_t i = 0; i < 12; ++i) {
    early.push_back(i < 3 ? 4e6 : 9e6);
    middle.push_back(i < 6 ? 4e6 : 9e6);
  }
  CHECK(assess_trend(t, early, bytes_rule()).verdict == Verdict::ok);
  auto r = assess_trend(t, middle, bytes_rule());
  CHECK(r.z > 2.33);
  CHECK(r.slope > 10 * 1024.0);  // overall it looks steep ...
  CHECK(r.verdict == Verdict::ok);  // ... but the later half does not climb
  CHECK(r.reason.find("a step") != std::string::npos);
}

TEST_CASE("too few samples are INCONCLUSIVE", "[leak][trend]") {
  auto r = assess_trend(times(4), {1, 2, 3, 4}, bytes_rule());
  CHECK(r.verdict == Verdict::inconclusive);
  CHECK(r.reason.find("need 5") != std::string::npos);
}

TEST_CASE("a leak on top of a large level is a LEAK: the floor is a rate, not a share", "[leak][trend]") {
  auto t = times(13);
  std::vector<double> heap, gor, big_flat;
  for (std::size_t i = 0; i < 13; ++i) {
    heap.push_back(300e6 + 100e3 * t[i] + 20e3 * noise(i));  // 100 KB/s on 300 MB: 1% over the window
    gor.push_back(3000 + std::floor(t[i]));                  // 1 per second on 3,000 parked
    big_flat.push_back(300e6 + 200e3 * noise(i));
  }
  auto h = assess_trend(t, heap, bytes_rule());
  CHECK(h.growth_pct < 5);
  CHECK(h.verdict == Verdict::leak);
  CHECK(h.reason.find("MB/h") != std::string::npos);
  auto g = assess_trend(t, gor, goroutine_rule());
  CHECK(g.verdict == Verdict::leak);
  CHECK(g.slope == Approx(1.0).epsilon(0.1));
  CHECK(g.first == 3000);
  CHECK(assess_trend(t, big_flat, bytes_rule()).verdict == Verdict::ok);
  // The optional relative floor still works when asked for.
  auto relative = bytes_rule();
  relative.min_growth_pct = 5;
  CHECK(assess_trend(t, heap, relative).verdict == Verdict::ok);
}

TEST_CASE("rates are written per hour in one style", "[leak][trend]") {
  CHECK(format_rate(100e3, "bytes") == "343.3 MB/h");
  CHECK(format_rate(1.0, "goroutines") == "3600 goroutines/h");
  CHECK(format_rate(1.0 / 3600, "goroutines") == "1 goroutines/h");
  CHECK(format_rate(-1024.0 / 3600, "bytes") == "-1.0 kB/h");
}
