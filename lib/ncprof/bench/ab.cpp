#include "ncprof/bench/ab.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ncprof/bench/stats.hpp"

namespace ncprof::bench {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// a/b for ratios of costs: 0/0 is no change, x/0 infinitely worse.
double ratio_of(double a, double b) {
  if (b == 0) return a == 0 ? 1 : kInf;
  return a / b;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs.empty() ? 0 : quantile_r8(xs, 0.5);
}

bool all_equal(const std::vector<double>& xs) {
  return std::all_of(xs.begin(), xs.end(), [&](double x) { return x == xs.front(); });
}

}  // namespace

const char* verdict_name(AbVerdict v) {
  switch (v) {
    case AbVerdict::ok: return "ok";
    case AbVerdict::fine: return "ok";
    case AbVerdict::improved: return "improved";
    case AbVerdict::regressed: return "REGRESSED";
  }
  return "ok";
}

bool is_exact_unit(const std::string& unit) { return unit == "allocs/op" || unit == "B/op"; }

AbEstimate evaluate_pairs(const std::vector<double>& ref, const std::vector<double>& head, bool lower_is_better,
                          bool exact_unit, const AbOptions& opts) {
  AbEstimate e;
  const std::size_t n = std::min(ref.size(), head.size());
  e.rounds = static_cast<int>(n);
  if (n == 0) return e;
  std::vector<double> r(ref.begin(), ref.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<double> h(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(n));
  e.ref = median(r);
  e.head = median(h);
  const double threshold = 1 + opts.fail_on_pct / 100;

  if (exact_unit && all_equal(r) && all_equal(h)) {
    e.exact = true;
    e.ratio = e.ratio_lo = e.ratio_hi = ratio_of(h[0], r[0]);
    e.worse = e.worse_lo = e.worse_hi = lower_is_better ? ratio_of(h[0], r[0]) : ratio_of(r[0], h[0]);
    if (e.worse > 1 + opts.max_alloc_increase / 100) {
      e.verdict = AbVerdict::regressed;
    } else if (e.worse < 1) {
      e.verdict = AbVerdict::improved;
    } else {
      e.verdict = AbVerdict::fine;
    }
    return e;
  }

  // The worse-ratio of each round, sorted; its median and the order
  // statistics around it.
  std::vector<double> w(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = lower_is_better ? ratio_of(h[i], r[i]) : ratio_of(r[i], h[i]);
  std::sort(w.begin(), w.end());
  e.worse = quantile_r8(w, 0.5);
  const QuantileInterval qi = quantile_ci(static_cast<int>(n), 0.5, opts.confidence);
  const int ni = static_cast<int>(n);
  e.worse_lo = qi.lo_order >= 1 && qi.lo_order <= ni ? w[static_cast<std::size_t>(qi.lo_order - 1)] : 0;
  e.worse_hi = qi.hi_order >= 1 && qi.hi_order <= ni ? w[static_cast<std::size_t>(qi.hi_order - 1)] : kInf;
  if (lower_is_better) {
    e.ratio = e.worse;
    e.ratio_lo = e.worse_lo;
    e.ratio_hi = e.worse_hi;
  } else {
    e.ratio = 1 / e.worse;
    e.ratio_lo = 1 / e.worse_hi;
    e.ratio_hi = e.worse_lo == 0 ? kInf : 1 / e.worse_lo;
  }
  if (e.worse > threshold && e.worse_lo > opts.min_ci) {
    e.verdict = AbVerdict::regressed;
  } else if (e.worse_hi < 1) {
    e.verdict = AbVerdict::improved;
  } else if (e.worse_hi <= threshold) {
    e.verdict = AbVerdict::fine;
  } else {
    e.verdict = AbVerdict::ok;
  }
  return e;
}

}  // namespace ncprof::bench
