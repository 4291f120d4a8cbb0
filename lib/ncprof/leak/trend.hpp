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

struct TrendRule {
  double alpha = 0.01;          // one-sided Mann-Kendall significance
  double min_rate = 0;          // Theil-Sen slope floor, units per second
  double min_growth_pct = 5;    // growth over the window, relative to the median level
  std::size_t min_samples = 5;  // fewer after warm-up: inconclusive
};

struct TrendResult {
  Verdict verdict = Verdict::inconclusive;
  std::size_t n = 0;
  double slope = 0;       // per second
  double growth_pct = 0;  // slope * window / median level
  double z = 0;
  std::string reason;
};

// Decides on one signal: LEAK needs a significant upward trend AND a slope
// over the floor AND growth over the floor AND the later half of the window
// still climbing over the floor; too few points is INCONCLUSIVE.
TrendResult assess_trend(const std::vector<double>& t, const std::vector<double>& y, const TrendRule& rule);

}  // namespace ncprof::leak
