#pragma once
// leak-check: sample in-use heap after GC and goroutine counts of many
// services at an interval, then decide per service and signal with a trend
// test and an effect-size floor; name the code that grew.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ncprof/capture/capture.hpp"
#include "ncprof/leak/goroutines.hpp"
#include "ncprof/leak/trend.hpp"
#include "ncprof/profile/top.hpp"
#include "ncprof/targets/targets.hpp"

namespace ncprof::leak {

struct LeakCheckOptions {
  std::chrono::milliseconds interval{10000};
  std::size_t count = 12;   // samples in all
  std::size_t warmup = 2;   // first samples left out of the decision
  // Absolute floors: 32 MiB per hour of heap, 60 goroutines per hour.
  TrendRule heap_rule{0.01, 32.0 * 1024 * 1024 / 3600, 0, 5, "bytes"};
  TrendRule goroutine_rule{0.01, 60.0 / 3600, 0, 5, "goroutines"};
  capture::CaptureOptions capture;                 // timeout, TLS, limits
  // Called with every heap profile taken (service index, round), on the
  // sampling thread: a page can then show each sample's own profile.
  std::function<void(std::size_t, std::size_t, const profile::Profile&)> on_heap;
};

struct HealthFigures {
  double heap_alloc_mb = 0;
  double heap_inuse_mb = 0;
  std::int64_t num_gc = 0;
  std::int64_t num_goroutine = 0;
};

struct LeakSample {
  double t = 0;  // seconds since the start
  bool ok = false;
  std::string error;
  std::int64_t heap_inuse = 0;  // bytes, heap?gc=1 inuse_space total
  std::int64_t goroutines = 0;
  std::optional<HealthFigures> health;
};

struct SignalVerdict {
  std::string signal;  // "heap", "goroutines"
  std::string unit;    // "bytes", "goroutines"
  TrendResult trend;
};

struct ServiceLeakReport {
  std::string service;
  std::vector<LeakSample> samples;
  std::vector<SignalVerdict> signals;
  Verdict verdict = Verdict::inconclusive;
  bool unreachable = false;  // stopped answering: could not be checked
  std::string reason;
  std::string heap_source;  // which figure the heap verdict used
  bool heap_from_health = false;  // the health endpoint's heap_alloc (else the profile's inuse_space)
  std::vector<profile::TopRow> heap_growth;  // allocation sites whose in-use memory grew most
  std::string heap_unit;
  std::vector<GoroutineGrowth> goroutine_growth;
  // The first heap profile after warm-up and the last, and their rounds.
  std::optional<profile::Profile> first_heap, last_heap;
  std::size_t first_heap_round = 0, last_heap_round = 0;

  const SignalVerdict* signal(const std::string& name) const;
};

struct LeakProgress {
  std::size_t round = 0;
  std::size_t count = 0;
  std::chrono::milliseconds next_in{0};
};

// Runs the check. `stop` (optional) ends sampling early; the verdicts then
// use the samples taken.
std::vector<ServiceLeakReport> run_leak_check(const std::vector<targets::Service>& services,
                                              const LeakCheckOptions& opts,
                                              const std::function<void(const LeakProgress&)>& progress = {},
                                              const std::atomic<bool>* stop = nullptr);

// The decision on already collected samples (used by run_leak_check).
void decide(ServiceLeakReport& report, const LeakCheckOptions& opts);

}  // namespace ncprof::leak
