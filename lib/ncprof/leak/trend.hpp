#pragma once
// Trend statistics for leak verdicts: Mann-Kendall (is there a monotonic
// trend?) and Theil-Sen (how steep, robust to the GC sawtooth), combined
// with an effect-size floor so a noisy flat series is not called a leak.
#include <string>
#include <vector>

namespace ncprof::leak {

struct MannKendall {
  double s = 0;         // sum of sign(y_j - y_i), i < j
  double variance = 0;  // with the tie correction
  double z = 0;         // continuity-corrected
};

MannKendall mann_kendall(const std::vector<double>& y);

// Median over i < j of (y_j - y_i) / (t_j - t_i); pairs with equal t skipped.
double theil_sen_slope(const std::vector<double>& t, const std::vector<double>& y);

double median(std::vector<double> v);

// Upper standard normal quantile: z with P(Z > z) = alpha.
double normal_upper_quantile(double alpha);

enum class Verdict { ok, leak, inconclusive };
const char* verdict_name(Verdict v);

// The floors are absolute rates: a floor relative to the level would let a
// leak hide behind the memory it has already built up (a service that has
// leaked for an hour grows by a smaller share of its heap every minute).
struct TrendRule {
  double alpha = 0.01;          // one-sided Mann-Kendall significance
  double min_rate = 0;          // Theil-Sen slope floor, units per second
  double min_growth_pct = 0;    // optional floor relative to the median level; 0: off
  std::size_t min_samples = 5;  // fewer after warm-up: inconclusive
  std::string unit;             // "bytes" or "goroutines": how rates are written in reasons
};

struct TrendResult {
  Verdict verdict = Verdict::inconclusive;
  std::size_t n = 0;
  double slope = 0;       // per second
  double intercept = 0;   // the fitted line's level at the first time (median of y - slope * (t - t0))
  double late_slope = 0;  // per second, over the later half of the window
  double growth_pct = 0;  // slope * window / median level (reported, not a floor by default)
  double z = 0;
  double first = 0, last = 0;  // the first and last values after warm-up
  std::string reason;
};

// A rate written for people, per hour: "352.0 MB/h", "3600 goroutines/h".
std::string format_rate(double per_second, const std::string& unit);

// Decides on one signal: LEAK needs a significant upward trend AND a slope
// over the rate floor AND the later half of the window still climbing over
// the floor (AND growth over the optional relative floor); too few points is
// INCONCLUSIVE.
TrendResult assess_trend(const std::vector<double>& t, const std::vector<double>& y, const TrendRule& rule);

}  // namespace ncprof::leak
