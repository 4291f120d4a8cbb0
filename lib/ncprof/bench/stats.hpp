#pragma once
// benchstat's statistics (golang.org/x/perf benchmath, v2): the median
// with a confidence interval from order statistics, the two-sided
// Mann-Whitney U test (exact up to 50 values per side without ties and 25 with ties; normal
// approximation with tie and continuity corrections otherwise), and the
// "assume=exact" variants.
#include <string>
#include <vector>

namespace ncprof::bench {

struct QuantileInterval {
  int lo_order = 0;  // 1-based order statistics; out of range means infinite
  int hi_order = 0;
  double confidence = 0;
};

// The interval of the q-quantile in a sample of n at >= confidence.
QuantileInterval quantile_ci(int n, double q, double confidence);

// Quantile by Hyndman and Fan's method 8 (sorted input).
double quantile_r8(const std::vector<double>& sorted, double q);

struct Summary {
  double center = 0, lo = 0, hi = 0, confidence = 0;
  std::vector<std::string> warnings;
  std::string pct_range() const;  // "2%", "∞", "?"
};

struct Comparison {
  double p = 1;
  int n1 = 0, n2 = 0;
  double alpha = 0;
  std::vector<std::string> warnings;
  std::string str() const;                                 // "p=0.008 n=5"
  std::string format_delta(double old_v, double new_v) const;  // "+9.98%" or "~"
};

struct UTestResult {
  bool ok = false;
  std::string error;  // "all samples are equal"
  double u = 0, p = 1;
};

UTestResult mann_whitney_u(const std::vector<double>& x1, const std::vector<double>& x2);

// Values sorted ascending.
Summary summarize(const std::vector<double>& sorted, bool exact, double confidence);
Comparison compare(const std::vector<double>& base, const std::vector<double>& now, bool exact, double alpha);

// Geometric mean; NaN when a value is <= 0 or there are none.
double geomean(const std::vector<double>& xs);

// Go's %v for a float64 (shortest representation).
std::string go_float(double v);

}  // namespace ncprof::bench
