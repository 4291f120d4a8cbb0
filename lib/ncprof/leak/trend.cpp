#include "ncprof/leak/trend.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "ncprof/util/strings.hpp"

namespace ncprof::leak {

MannKendall mann_kendall(const std::vector<double>& y) {
  MannKendall mk;
  const std::size_t n = y.size();
  if (n < 2) return mk;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      mk.s += (y[j] > y[i]) - (y[j] < y[i]);
    }
  }
  std::map<double, int> ties;
  for (double v : y) ++ties[v];
  const double nn = static_cast<double>(n);
  double var = nn * (nn - 1) * (2 * nn + 5);
  for (const auto& [v, c] : ties) {
    if (c > 1) var -= static_cast<double>(c) * (c - 1) * (2.0 * c + 5);
  }
  mk.variance = var / 18.0;
  if (mk.variance > 0) {
    if (mk.s > 0) {
      mk.z = (mk.s - 1) / std::sqrt(mk.variance);
    } else if (mk.s < 0) {
      mk.z = (mk.s + 1) / std::sqrt(mk.variance);
    }
  }
  return mk;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double theil_sen_slope(const std::vector<double>& t, const std::vector<double>& y) {
  std::vector<double> slopes;
  for (std::size_t i = 0; i + 1 < y.size(); ++i) {
    for (std::size_t j = i + 1; j < y.size(); ++j) {
      if (t[j] != t[i]) slopes.push_back((y[j] - y[i]) / (t[j] - t[i]));
    }
  }
  return median(std::move(slopes));
}

double normal_upper_quantile(double alpha) {
  // Invert the upper tail with bisection on erfc: accurate and simple.
  double lo = -10, hi = 10;
  for (int i = 0; i < 200; ++i) {
    double mid = (lo + hi) / 2;
    double tail = 0.5 * std::erfc(mid / std::sqrt(2.0));
    if (tail > alpha) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2;
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::ok:
      return "OK";
    case Verdict::leak:
      return "LEAK";
    case Verdict::inconclusive:
      return "INCONCLUSIVE";
  }
  return "?";
}

std::string format_rate(double per_second, const std::string& unit) {
  const double per_hour = per_second * 3600.0;
  if (unit == "bytes") {
    const double mag = std::fabs(per_hour);
    const std::string sign = per_hour < 0 ? "-" : "";
    if (!std::isfinite(mag)) return fmt::format("{} B/h", per_hour);
    return sign + util::human_bytes(static_cast<std::uint64_t>(std::min(mag, 1.8e19))) + "/h";
  }
  const std::string u = unit.empty() ? "" : " " + unit;
  if (std::fabs(per_hour) >= 100) return fmt::format("{:.0f}{}/h", per_hour, u);
  return fmt::format("{:.3g}{}/h", per_hour, u);
}

TrendResult assess_trend(const std::vector<double>& t, const std::vector<double>& y, const TrendRule& rule) {
  TrendResult r;
  r.n = y.size();
  const std::size_t need = std::max<std::size_t>(rule.min_samples, 3);
  if (y.size() < need) {
    r.reason = fmt::format("{} samples after warm-up, need {}", y.size(), need);
    return r;
  }
  r.first = y.front();
  r.last = y.back();
  auto mk = mann_kendall(y);
  r.z = mk.z;
  r.slope = theil_sen_slope(t, y);
  {
    std::vector<double> level(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) level[i] = y[i] - r.slope * (t[i] - t.front());
    r.intercept = median(std::move(level));
  }
  const double window = t.back() - t.front();
  const double level = std::max(std::fabs(median(y)), 1e-9);
  r.growth_pct = r.slope * window / level * 100.0;
  const double z_crit = normal_upper_quantile(rule.alpha);
  const bool trend = mk.z > z_crit;
  const bool steep = r.slope > rule.min_rate;
  const bool large = rule.min_growth_pct <= 0 || r.growth_pct >= rule.min_growth_pct;
  // A leak keeps growing: the later half of the window must still climb
  // (a one-time step, a cache filling up, is not a leak).
  const std::size_t half = y.size() / 2;
  const std::vector<double> t2(t.begin() + static_cast<std::ptrdiff_t>(half), t.end());
  const std::vector<double> y2(y.begin() + static_cast<std::ptrdiff_t>(half), y.end());
  r.late_slope = theil_sen_slope(t2, y2);
  const bool persists = r.late_slope > rule.min_rate;
  auto rate = [&](double v) { return format_rate(v, rule.unit); };
  if (trend && steep && large && persists) {
    r.verdict = Verdict::leak;
    r.reason = fmt::format("growing {} (floor {}), upward trend (Mann-Kendall z={:.2f} > {:.2f}), still climbing in the later half",
                           rate(r.slope), rate(rule.min_rate), mk.z, z_crit);
  } else {
    r.verdict = Verdict::ok;
    if (!trend) {
      r.reason = fmt::format("no significant upward trend (Mann-Kendall z={:.2f} <= {:.2f})", mk.z, z_crit);
    } else if (!steep) {
      r.reason = fmt::format("trend, but {} is under the floor {}", rate(r.slope), rate(rule.min_rate));
    } else if (!large) {
      r.reason = fmt::format("trend, but growth {:.1f}% is under the floor {:.1f}%", r.growth_pct, rule.min_growth_pct);
    } else {
      r.reason = fmt::format("a step, not a steady climb: the later half grows {}, under the floor {}",
                             rate(r.late_slope), rate(rule.min_rate));
    }
  }
  return r;
}

}  // namespace ncprof::leak
