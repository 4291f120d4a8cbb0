#include "ncprof/bench/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

namespace ncprof::bench {

namespace {

// Exact binomial coefficient for the small n used here.
double choose(int n, int k) {
  if (k < 0 || k > n) return 0;
  if (k == 0 || k == n) return 1;
  k = std::min(k, n - k);
  long double r = 1;
  for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return static_cast<double>(std::floor(r + 0.5L));
}

double binom_pmf(int n, double p, int k) {
  if (k < 0 || k > n) return 0;
  return choose(n, k) * std::pow(p, k) * std::pow(1 - p, n - k);
}

double norm_cdf(double x, double mu, double sigma) { return 0.5 * std::erfc(-(x - mu) / (sigma * std::sqrt(2.0))); }

double norm_inv_cdf(double p, double mu, double sigma) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; ++i) {
    double mid = (lo + hi) / 2;
    if (norm_cdf(mid, 0, 1) < p) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return mu + sigma * (lo + hi) / 2;
}

// Smallest n with a finite median interval at this confidence.
std::pair<const char*, int> median_samples(double confidence) {
  for (int n = 2; n <= 50; ++n) {
    auto ci = quantile_ci(n, 0.5, confidence);
    if (ci.lo_order > 0 && ci.hi_order <= n) return {">=", n};
  }
  return {">", 50};
}

// The smallest possible p of the U test for two samples of n: 2/C(2n, n).
std::pair<const char*, int> utest_samples(double alpha) {
  for (int n = 1; n <= 9; ++n) {
    if (2.0 / choose(2 * n, n) <= alpha) return {">=", n};
  }
  return {">", 10};
}

}  // namespace

std::string go_float(double v) {
  if (v == 0) return "0";
  double a = std::fabs(v);
  int exp10 = static_cast<int>(std::floor(std::log10(a)));
  if (exp10 >= 16 && exp10 < 21) return fmt::format("{:.0f}", v);
  return fmt::format("{}", v);
}

QuantileInterval quantile_ci(int n, double q, double confidence) {
  QuantileInterval res;
  if (confidence >= 1) {
    res.confidence = 1;
    res.lo_order = 0;
    res.hi_order = n + 1;
    return res;
  }
  int l, r;
  if (n <= 30) {
    int x = static_cast<int>(std::ceil((n + 1) * q) - 1);
    if (q == 0) x = 0;
    double accum = binom_pmf(n, q, x);
    l = x;
    r = x + 1;
    double lp = binom_pmf(n, q, l - 1), rp = binom_pmf(n, q, r);
    while (accum < confidence && (lp > 0 || rp > 0)) {
      if (lp >= rp) {
        accum += lp;
        --l;
        lp = binom_pmf(n, q, l - 1);
      } else {
        accum += rp;
        ++r;
        rp = binom_pmf(n, q, r);
      }
    }
    res.confidence = accum;
  } else {
    const double mu = n * q, sigma = std::sqrt(n * q * (1 - q));
    const double alpha = (1 - confidence) / 2;
    const double l1 = norm_inv_cdf(alpha, mu, sigma);
    const double r1 = 2 * mu - l1;
    l = static_cast<int>(std::floor(std::floor(l1 - 0.5) + 0.5)) + 1;
    r = static_cast<int>(std::floor(std::ceil(r1 - 0.5) + 0.5)) + 1;
    auto cdf = [&](int a, int b) { return norm_cdf(b - 0.5, mu, sigma) - norm_cdf(a - 0.5, mu, sigma); };
    res.confidence = cdf(l, r);
    if (double biased = cdf(l, r - 1); biased >= confidence && biased < res.confidence) {
      res.confidence = biased;
      r = r - 1;
    }
    if (l <= 0 && r >= n + 1) res.confidence = 1;
  }
  res.lo_order = std::max(l, 0);
  res.hi_order = std::min(r, n + 1);
  return res;
}

double quantile_r8(const std::vector<double>& xs, double q) {
  if (xs.empty()) return std::nan("");
  if (q <= 0) return xs.front();
  if (q >= 1) return xs.back();
  const double N = static_cast<double>(xs.size());
  const double n = 1 / 3.0 + q * (N + 1 / 3.0);
  double kf = 0;
  const double frac = std::modf(n, &kf);
  const auto k = static_cast<long>(kf);
  if (k <= 0) return xs.front();
  if (k >= static_cast<long>(xs.size())) return xs.back();
  return xs[static_cast<std::size_t>(k - 1)] + frac * (xs[static_cast<std::size_t>(k)] - xs[static_cast<std::size_t>(k - 1)]);
}

std::string Summary::pct_range() const {
  if (std::isinf(lo) || std::isinf(hi)) return "\xe2\x88\x9e";  // ∞
  auto sign = [](double v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); };
  if (sign(center) != sign(lo) || sign(center) != sign(hi)) return "?";
  if (center == 0) return "0%";
  double v = std::max(hi / center - 1, 1 - lo / center);
  return fmt::format("{:.0f}%", 100 * v);
}

std::string Comparison::str() const {
  std::string s = p != 0 ? fmt::format("p={:.3f} ", p) : "";
  if (n1 == n2) return s + fmt::format("n={}", n1);
  return s + fmt::format("n={}+{}", n1, n2);
}

std::string Comparison::format_delta(double old_v, double new_v) const {
  if (p > alpha) return "~";
  if (old_v == new_v) return "0.00%";
  if (old_v == 0) return "?";
  return fmt::format("{:+.2f}%", (new_v / old_v - 1.0) * 100.0);
}

UTestResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b) {
  UTestResult res;
  const int n1 = static_cast<int>(a.size()), n2 = static_cast<int>(b.size());
  if (n1 == 0 || n2 == 0) {
    res.error = "sample is too small";
    return res;
  }
  std::vector<std::pair<double, int>> merged;
  for (double x : a) merged.emplace_back(x, 1);
  for (double x : b) merged.emplace_back(x, 2);
  std::stable_sort(merged.begin(), merged.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  // Tie groups and the rank sum of the first sample (mid-ranks for ties).
  double r1 = 0;
  std::vector<int> ties;
  bool has_ties = false;
  for (std::size_t i = 0; i < merged.size();) {
    std::size_t j = i;
    int from1 = 0;
    while (j < merged.size() && merged[j].first == merged[i].first) from1 += merged[j++].second == 1;
    if (from1) r1 += static_cast<double>(i + 1 + j) / 2 * from1;
    ties.push_back(static_cast<int>(j - i));
    has_ties = has_ties || j - i > 1;
    i = j;
  }
  const double u1 = r1 - static_cast<double>(n1) * (n1 + 1) / 2;
  const double u2 = static_cast<double>(n1) * n2 - u1;
  const double usmall = std::min(u1, u2);
  res.u = u1;
  const bool exact = (!has_ties && n1 <= 50 && n2 <= 50) || (has_ties && n1 <= 25 && n2 <= 25);
  if (exact) {
    if (ties.size() == 1) {
      res.error = "all samples are equal";
      return res;
    }
    if (u1 == u2) {
      res.p = 1;
    } else {
      // The exact distribution of U1 given the tie structure: count the
      // ways each tie group can hold r of the first sample's values.
      const int twice_max = static_cast<int>(2 * merged.size() * (merged.size() + 1) / 2) + 2;
      std::vector<std::vector<double>> dp(static_cast<std::size_t>(n1) + 1,
                                          std::vector<double>(static_cast<std::size_t>(twice_max) + 1, 0));
      dp[0][0] = 1;
      int start = 1;
      for (int t : ties) {
        const int twice_mid = start + (start + t - 1);  // 2 * mid-rank
        std::vector<std::vector<double>> next(dp.size(), std::vector<double>(dp[0].size(), 0));
        for (int n = 0; n <= n1; ++n) {
          for (int s = 0; s <= twice_max; ++s) {
            double c = dp[static_cast<std::size_t>(n)][static_cast<std::size_t>(s)];
            if (c == 0) continue;
            for (int r = 0; r <= t && n + r <= n1; ++r) {
              const int s2 = s + r * twice_mid;
              if (s2 > twice_max) break;
              next[static_cast<std::size_t>(n + r)][static_cast<std::size_t>(s2)] += c * choose(t, r);
            }
          }
        }
        dp = std::move(next);
        start += t;
      }
      const double limit = 2 * (usmall + static_cast<double>(n1) * (n1 + 1) / 2) + 1e-9;
      double below = 0;
      for (int s = 0; s <= twice_max && s <= limit; ++s) below += dp[static_cast<std::size_t>(n1)][static_cast<std::size_t>(s)];
      res.p = below / choose(n1 + n2, n1) * 2;
    }
  } else {
    double t = 0;
    for (int k : ties) t += static_cast<double>(k) * k * k - k;
    const double N = n1 + n2;
    const double mu = static_cast<double>(n1) * n2 / 2;
    const double sigma = std::sqrt(static_cast<double>(n1) * n2 * ((N + 1) - t / (N * (N - 1))) / 12);
    if (sigma == 0) {
      res.error = "all samples are equal";
      return res;
    }
    double numer = u1 - mu;
    numer -= (numer > 0 ? 1 : (numer < 0 ? -1 : 0)) * 0.5;
    const double z = numer / sigma;
    const double c = norm_cdf(z, 0, 1);
    res.p = 2 * std::min(c, 1 - c);
  }
  res.ok = true;
  return res;
}

Summary summarize(const std::vector<double>& v, bool exact, double confidence) {
  Summary s;
  if (v.empty()) return s;
  if (exact) {
    double val = v[0], mode = v[0];
    int count = 1, mode_count = 1;
    for (std::size_t i = 1; i < v.size(); ++i) {
      if (v[i] == val) {
        if (++count > mode_count) {
          mode = val;
          mode_count = count;
        }
      } else {
        val = v[i];
        count = 1;
      }
    }
    s.center = mode;
    s.lo = v.front();
    s.hi = v.back();
    s.confidence = 1;
    if (mode_count != static_cast<int>(v.size())) {
      s.warnings.push_back(fmt::format("exact distribution expected, but values range from {} to {}",
                                       go_float(v.front()), go_float(v.back())));
    }
    return s;
  }
  auto ci = quantile_ci(static_cast<int>(v.size()), 0.5, confidence);
  s.center = quantile_r8(v, 0.5);
  s.lo = ci.lo_order < 1 ? -std::numeric_limits<double>::infinity() : v[static_cast<std::size_t>(ci.lo_order - 1)];
  s.hi = ci.hi_order - 1 >= static_cast<int>(v.size()) ? std::numeric_limits<double>::infinity()
                                                       : v[static_cast<std::size_t>(ci.hi_order - 1)];
  s.confidence = ci.confidence;
  if (std::isinf(s.lo) || std::isinf(s.hi)) {
    auto [op, need] = median_samples(confidence);
    s.warnings.push_back(
        fmt::format("need {} {} samples for confidence interval at level {}", op, need, go_float(confidence)));
  }
  return s;
}

Comparison compare(const std::vector<double>& base, const std::vector<double>& now, bool exact, double alpha) {
  Comparison c;
  c.n1 = static_cast<int>(base.size());
  c.n2 = static_cast<int>(now.size());
  if (exact) {
    c.p = 0;
    return c;  // exact values need no test (and carry no alpha)
  }
  c.alpha = alpha;
  auto u = mann_whitney_u(base, now);
  if (!u.ok) {
    c.p = 1;
    c.warnings.push_back(u.error);
    return c;
  }
  c.p = u.p;
  if (c.p > c.alpha) {
    auto [op, n] = utest_samples(c.alpha);
    if (c.n1 < n && c.n2 < n) {
      c.warnings.push_back(
          fmt::format("need {} {} samples to detect a difference at alpha level {}", op, n, go_float(c.alpha)));
    }
  }
  return c;
}

double geomean(const std::vector<double>& xs) {
  if (xs.empty()) return std::nan("");
  double m = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (xs[i] <= 0) return std::nan("");
    m += (std::log(xs[i]) - m) / static_cast<double>(i + 1);
  }
  return std::exp(m);
}

}  // namespace ncprof::bench
