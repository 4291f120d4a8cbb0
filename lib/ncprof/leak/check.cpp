#include "ncprof/leak/check.hpp"

#include <thread>

#include <fmt/format.h>

#include "ncprof/capture/health.hpp"
#include "ncprof/profile/merge.hpp"

namespace ncprof::leak {

namespace {

using Clock = std::chrono::steady_clock;

// The figures leak-check records, where the service has a health endpoint.
std::vector<std::optional<HealthFigures>> health_figures(const std::vector<targets::Service>& services,
                                                         const LeakCheckOptions& opts) {
  std::vector<std::optional<HealthFigures>> out(services.size());
  auto readings = capture::read_health(services, opts.capture.tls, opts.capture.timeout, 0);
  using Field = capture::HealthField;
  for (std::size_t i = 0; i < readings.size(); ++i) {
    if (readings[i].status != capture::HealthReading::Status::ok) continue;
    const auto& f = readings[i].figures;
    HealthFigures h;
    h.heap_alloc_mb = f.get(Field::heap_alloc_mb).value_or(0);
    h.heap_inuse_mb = f.get(Field::heap_inuse_mb).value_or(0);
    // parse_health bounds every figure, so these conversions are defined.
    h.num_gc = static_cast<std::int64_t>(f.get(Field::num_gc).value_or(0));
    h.num_goroutine = static_cast<std::int64_t>(f.get(Field::num_goroutine).value_or(0));
    out[i] = h;
  }
  return out;
}

std::int64_t inuse_total(const profile::Profile& p) {
  auto si = profile::find_sample_index(p, "inuse_space");
  return si ? profile::total_value(p, *si) : 0;
}

}  // namespace

void decide(ServiceLeakReport& report, const LeakCheckOptions& opts) {
  std::vector<double> t, heap, health_heap, gor;
  std::size_t failed_after_warmup = 0;
  bool all_health = true;
  for (std::size_t i = 0; i < report.samples.size(); ++i) {
    const auto& s = report.samples[i];
    if (i < opts.warmup) continue;
    if (!s.ok) {
      ++failed_after_warmup;
      continue;
    }
    t.push_back(s.t);
    heap.push_back(static_cast<double>(s.heap_inuse));
    gor.push_back(static_cast<double>(s.goroutines));
    all_health = all_health && s.health.has_value();
    if (s.health) health_heap.push_back(s.health->heap_alloc_mb * 1024.0 * 1024.0);
  }
  // The heap profile's in-use total is an estimate from sampled
  // allocations (one per 512 KiB on average): it moves in steps. Where the
  // service has a health endpoint, its heap_alloc read right after the
  // forced GC is exact, so the verdict uses that; else the profile.
  const bool use_health = all_health && !health_heap.empty();
  report.signals = {{"heap", "bytes",
                     assess_trend(t, use_health ? health_heap : heap, opts.heap_rule)},
                    {"goroutines", "goroutines", assess_trend(t, gor, opts.goroutine_rule)}};
  report.heap_from_health = use_health;
  report.heap_source = use_health ? "health heap_alloc after GC" : "heap profile inuse_space after GC";
  if (failed_after_warmup > 0) {
    std::string last_error;
    for (const auto& s : report.samples) {
      if (!s.ok) last_error = s.error;
    }
    report.unreachable = true;
    report.verdict = Verdict::inconclusive;
    report.reason = fmt::format("{} of {} samples failed: {}", failed_after_warmup,
                                report.samples.size() > opts.warmup ? report.samples.size() - opts.warmup : 0,
                                last_error);
    for (auto& sig : report.signals) {
      sig.trend.verdict = Verdict::inconclusive;
      sig.trend.reason = "the service stopped answering";
    }
    return;
  }
  bool leak = false, inconclusive = false;
  for (const auto& sig : report.signals) {
    leak = leak || sig.trend.verdict == Verdict::leak;
    inconclusive = inconclusive || sig.trend.verdict == Verdict::inconclusive;
  }
  report.verdict = leak ? Verdict::leak : (inconclusive ? Verdict::inconclusive : Verdict::ok);
  // Every signal's own reason: a heap verdict must not hide the goroutines'.
  report.reason.clear();
  for (const auto& sig : report.signals) {
    report.reason += fmt::format("{}{}: {}, {}", report.reason.empty() ? "" : "; ", sig.signal,
                                 verdict_name(sig.trend.verdict), sig.trend.reason);
  }
}

const SignalVerdict* ServiceLeakReport::signal(const std::string& name) const {
  for (const auto& s : signals) {
    if (s.signal == name) return &s;
  }
  return nullptr;
}

std::vector<ServiceLeakReport> run_leak_check(const std::vector<targets::Service>& services,
                                              const LeakCheckOptions& opts,
                                              const std::function<void(const LeakProgress&)>& progress,
                                              const std::atomic<bool>* stop) {
  std::vector<ServiceLeakReport> reports(services.size());
  for (std::size_t i = 0; i < services.size(); ++i) reports[i].service = services[i].name;
  // First (after warm-up) and latest profiles, for naming what grew.
  std::vector<std::optional<profile::Profile>> first_heap(services.size()), last_heap(services.size());
  std::vector<std::optional<profile::Profile>> first_gor(services.size()), last_gor(services.size());

  capture::CaptureOptions heap_opts = opts.capture;
  heap_opts.stop = stop;
  heap_opts.type = capture::ProfileType::heap;
  heap_opts.gc = true;
  heap_opts.save = false;
  capture::CaptureOptions gor_opts = opts.capture;
  gor_opts.stop = stop;
  gor_opts.type = capture::ProfileType::goroutine;
  gor_opts.save = false;

  const auto start = Clock::now();
  for (std::size_t round = 0; round < opts.count; ++round) {
    const auto due = start + opts.interval * static_cast<long>(round);
    while (Clock::now() < due) {
      if (stop && stop->load()) break;
      if (progress) {
        progress(LeakProgress{round, opts.count,
                              std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now())});
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (stop && stop->load()) break;
    const double t = std::chrono::duration<double>(Clock::now() - start).count();
    // The heap first (it forces a GC), then the health figures right after
    // it, then the goroutines.
    auto heaps = capture::capture_all(services, heap_opts, true);
    auto health = health_figures(services, opts);
    auto gors = capture::capture_all(services, gor_opts, true);
    for (std::size_t i = 0; i < services.size(); ++i) {
      LeakSample s;
      s.t = t;
      s.health = health[i];
      if (!heaps[i].ok || !gors[i].ok) {
        s.error = !heaps[i].ok ? heaps[i].error : gors[i].error;
      } else {
        s.ok = true;
        s.heap_inuse = inuse_total(*heaps[i].profile);
        s.goroutines = gors[i].total;
        if (opts.on_heap) opts.on_heap(i, round, *heaps[i].profile);
        if (round >= opts.warmup && !first_heap[i]) {
          first_heap[i] = std::move(heaps[i].profile);
          first_gor[i] = std::move(gors[i].profile);
          reports[i].first_heap_round = round;
        } else {
          last_heap[i] = std::move(heaps[i].profile);
          last_gor[i] = std::move(gors[i].profile);
          reports[i].last_heap_round = round;
        }
      }
      reports[i].samples.push_back(std::move(s));
    }
  }

  for (std::size_t i = 0; i < services.size(); ++i) {
    auto& r = reports[i];
    decide(r, opts);
    // Each signal names its own evidence: a goroutine leak does not list
    // heap allocation sites, nor a heap leak goroutine stacks.
    const auto* heap_sig = r.signal("heap");
    const auto* gor_sig = r.signal("goroutines");
    if (heap_sig && heap_sig->trend.verdict == Verdict::leak && first_heap[i] && last_heap[i]) {
      if (auto d = profile::subtract_base(*last_heap[i], *first_heap[i], false, r.service, r.service)) {
        profile::TopOptions top;
        top.sample_index = "inuse_space";
        top.trim = false;
        if (auto rep = profile::compute_top(*d, top)) {
          r.heap_unit = rep->sample_unit;
          for (const auto& row : rep->rows) {
            if (row.flat > 0 && r.heap_growth.size() < 5) r.heap_growth.push_back(row);
          }
        }
      }
    }
    if (gor_sig && gor_sig->trend.verdict == Verdict::leak && first_gor[i] && last_gor[i]) {
      auto a = goroutines_from_profile(*first_gor[i], r.service);
      auto b = goroutines_from_profile(*last_gor[i], r.service);
      if (a && b) {
        auto growth = goroutine_growth(*a, *b);
        // Name the stacks that grew for real: a request's own goroutine
        // coming and going is noise.
        const std::int64_t top = growth.empty() ? 0 : growth.front().growth();
        std::erase_if(growth, [top](const GoroutineGrowth& g) {
          return g.group.frames.empty() || g.growth() < std::max<std::int64_t>(2, top / 10);
        });
        if (growth.size() > 5) growth.resize(5);
        r.goroutine_growth = std::move(growth);
      }
    }
    r.first_heap = std::move(first_heap[i]);
    r.last_heap = std::move(last_heap[i]);
  }
  return reports;
}

}  // namespace ncprof::leak
