#pragma once
// The A/B gate of `ncprof bench --against REF`: both sides measured in the
// same run, round by round, so that what the machine does to one it does
// to the other. Per benchmark and unit, the paired ratios head/ref of the
// rounds give the estimate (their median) and a confidence interval from
// order statistics, as benchstat computes a median's; the verdict needs
// both the estimate past the threshold and the interval clear of a floor.
#include <string>
#include <vector>

namespace ncprof::bench {

struct AbOptions {
  double fail_on_pct = 25;         // REGRESSED past a median ratio of 1 + pct/100
  double min_ci = 1.05;            // ... and with the interval's low end past this
  double max_alloc_increase = 10;  // exact units (equal samples on each side): percent
  double confidence = 0.95;
};

enum class AbVerdict {
  ok,         // not worse by the threshold (the interval may still reach it)
  fine,       // clearly not: the whole interval is under the threshold
  improved,   // better, the whole interval under 1
  regressed,  // worse past the threshold and the floor
};

const char* verdict_name(AbVerdict v);

struct AbEstimate {
  AbVerdict verdict = AbVerdict::ok;
  bool exact = false;       // compared without statistics (equal samples per side)
  double ref = 0, head = 0; // medians
  // head/ref (as shown; for a higher-is-better unit a ratio under 1 is worse)
  double ratio = 1, ratio_lo = 0, ratio_hi = 0;
  int rounds = 0;
  // How much worse, as a ratio > 1 in the bad direction, and its interval.
  double worse = 1, worse_lo = 0, worse_hi = 0;
};

// ref[i] and head[i] were measured in round i. A unit is compared exactly
// when exact_unit (allocs/op, B/op) and every sample on each side is equal.
AbEstimate evaluate_pairs(const std::vector<double>& ref, const std::vector<double>& head, bool lower_is_better,
                          bool exact_unit, const AbOptions& opts);

// Units compared without statistics when their samples do not vary.
bool is_exact_unit(const std::string& unit);

}  // namespace ncprof::bench
