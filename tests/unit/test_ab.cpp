// The A/B gate's decision (bench --against) on hand-computed cases.
#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

#include "ncprof/bench/ab.hpp"
#include "ncprof/bench/stats.hpp"

using namespace ncprof::bench;
using Catch::Detail::Approx;

namespace {

// ref 100 in every round, head 100 * ratios[i]: the paired ratios given.
AbEstimate with_ratios(const std::vector<double>& ratios, bool lower = true, const AbOptions& opts = {}) {
  std::vector<double> ref(ratios.size(), 100), head;
  for (double r : ratios) head.push_back(100 * r);
  return evaluate_pairs(ref, head, lower, false, opts);
}

const std::vector<double> kSpread = {1.7, 1.0, 1.9, 1.3, 1.1, 1.5, 1.2, 1.8, 1.4, 1.6};

}  // namespace

TEST_CASE("A/B: the median paired ratio and its order-statistic interval", "[bench][ab]") {
  // n = 10: the 95% interval of the median is (x(2), x(9)) (P(X <= 1) =
  // 11/1024 per side, 97.9% in all; (x(3), x(8)) would be 89%), and the
  // median by Hyndman-Fan 8 is halfway between x(5) and x(6).
  const QuantileInterval qi = quantile_ci(10, 0.5, 0.95);
  CHECK(qi.lo_order == 2);
  CHECK(qi.hi_order == 9);
  auto e = with_ratios(kSpread);
  CHECK(e.rounds == 10);
  CHECK(e.ratio == Approx(1.45));
  CHECK(e.ratio_lo == Approx(1.1));
  CHECK(e.ratio_hi == Approx(1.8));
  CHECK(e.ref == Approx(100));
  // Past 1.25 with the interval's low end past 1.05: REGRESSED.
  CHECK(e.verdict == AbVerdict::regressed);

  // The same estimate, a floor above the interval's low end: not enough.
  AbOptions strict;
  strict.min_ci = 1.15;
  CHECK(with_ratios(kSpread, true, strict).verdict == AbVerdict::ok);
  // A higher threshold than the median: not a regression either.
  AbOptions lenient;
  lenient.fail_on_pct = 50;
  CHECK(with_ratios(kSpread, true, lenient).verdict == AbVerdict::ok);
}

TEST_CASE("A/B: no change is clearly fine, half the time is improved, the direction follows the unit", "[bench][ab]") {
  auto same = with_ratios(std::vector<double>(10, 1.0));
  CHECK(same.verdict == AbVerdict::fine);
  CHECK(same.ratio == 1.0);
  // Noise of +-10% around no change: the interval stays under 1.25.
  auto noisy = with_ratios({0.9, 1.1, 0.95, 1.05, 1.0, 0.92, 1.08, 0.97, 1.03, 1.0});
  CHECK(noisy.verdict == AbVerdict::fine);
  CHECK(noisy.ratio_hi <= 1.25);

  auto faster = with_ratios(std::vector<double>(10, 0.5));
  CHECK(faster.verdict == AbVerdict::improved);

  // B/s: half the throughput is twice as bad.
  auto slower_rate = with_ratios(std::vector<double>(10, 0.5), false);
  CHECK(slower_rate.verdict == AbVerdict::regressed);
  CHECK(slower_rate.ratio == Approx(0.5));
  CHECK(slower_rate.worse == Approx(2.0));
}

TEST_CASE("A/B: allocs/op and B/op that do not vary are compared exactly", "[bench][ab]") {
  const std::vector<double> two(10, 2), three(10, 3);
  auto more = evaluate_pairs(two, three, true, is_exact_unit("allocs/op"), {});
  CHECK(more.exact);
  CHECK(more.ratio == Approx(1.5));
  CHECK(more.verdict == AbVerdict::regressed);  // 50% more, past --max-alloc-increase 10
  auto few = evaluate_pairs(std::vector<double>(10, 100), std::vector<double>(10, 105), true, true, {});
  CHECK(few.exact);
  CHECK(few.verdict == AbVerdict::fine);  // 5%, within 10
  auto from_zero = evaluate_pairs(std::vector<double>(10, 0), std::vector<double>(10, 1), true, true, {});
  CHECK(from_zero.verdict == AbVerdict::regressed);
  CHECK(std::isinf(from_zero.ratio));
  auto both_zero = evaluate_pairs(std::vector<double>(10, 0), std::vector<double>(10, 0), true, true, {});
  CHECK(both_zero.verdict == AbVerdict::fine);
  // Varying samples go through the statistics, exact unit or not.
  auto varying = evaluate_pairs({2, 2, 3, 2, 2, 2, 2, 2, 2, 2}, std::vector<double>(10, 2), true, true, {});
  CHECK(!varying.exact);
  CHECK(!is_exact_unit("sec/op"));
}

TEST_CASE("A/B: too few rounds for an interval never regress", "[bench][ab]") {
  // n = 3: no order statistics reach 95%, the interval is unbounded.
  auto e = with_ratios({3.0, 3.0, 3.0});
  CHECK(e.worse == Approx(3.0));
  CHECK(e.worse_lo == 0);
  CHECK(std::isinf(e.worse_hi));
  CHECK(e.verdict == AbVerdict::ok);
  CHECK(with_ratios({}).rounds == 0);
}
