#include "ncprof/watch/metrics.hpp"

#include <mutex>
#include <unordered_set>
#include <variant>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace ncprof::watch {

namespace {

enum class Kind { gauge, counter, histogram };

struct Spec {
  const char* name;
  Kind kind;
  const char* help;
};

// Every series watch exports.
const std::vector<Spec>& specs() {
  static const std::vector<Spec> all = {
      {"ncprof_heap_alloc_bytes", Kind::gauge, "Heap allocated, from the service's /health/memory"},
      {"ncprof_heap_inuse_bytes", Kind::gauge, "Heap in use, from the service's /health/memory"},
      {"ncprof_goroutines", Kind::gauge, "Goroutines, from /health/memory (else the goroutine profile's count)"},
      {"ncprof_gc_pause_seconds", Kind::gauge, "Last GC pause, from the service's /health/memory"},
      {"ncprof_profile_inuse_bytes", Kind::gauge, "In-use bytes of the last heap profile (inuse_space total)"},
      {"ncprof_captures_total", Kind::counter, "Profile captures by type and result (ok, error)"},
      {"ncprof_capture_duration_seconds", Kind::histogram, "Time taken by a capture, by type"},
      {"ncprof_last_capture_timestamp_seconds", Kind::gauge, "When the last good capture of a type finished"},
      {"ncprof_captures_late_total", Kind::counter, "Captures started more than a tenth of the interval late"},
      {"ncprof_captures_missed_total", Kind::counter, "Capture slots skipped because the previous one ran over"},
      {"ncprof_leak_slope_bytes_per_second", Kind::gauge, "Theil-Sen slope of the heap over the window"},
      {"ncprof_goroutine_slope_per_second", Kind::gauge, "Theil-Sen slope of the goroutine count over the window"},
      {"ncprof_leak_suspected", Kind::gauge, "1 when the window's trend test says LEAK for the signal, else 0"},
      {"ncprof_target_up", Kind::gauge, "1 when the target's last capture succeeded"},
      {"ncprof_pushes_total", Kind::counter, "Profiles pushed to the continuous-profiling server, by result"},
      {"ncprof_files_deleted_total", Kind::counter, "Profile files deleted by retention (count, age, disk)"},
      {"ncprof_disk_bytes", Kind::gauge, "Bytes of profiles kept under the output directory"},
  };
  return all;
}

std::string service_of(const Labels& labels) {
  auto it = labels.find("service");
  return it == labels.end() ? "" : it->second;
}

}  // namespace

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> gauges;
  std::map<std::string, prometheus::Family<prometheus::Counter>*> counters;
  std::map<std::string, prometheus::Family<prometheus::Histogram>*> histograms;
  std::mutex mu;
  // Series made, by service: what forget() removes.
  struct Made {
    using Series = std::variant<prometheus::Gauge*, prometheus::Counter*, prometheus::Histogram*>;
    std::string name;
    Series series;
  };
  std::map<std::string, std::vector<Made>> by_service;
  std::unordered_set<const void*> known;  // every series in by_service (Add gives the same one each time)

  void remember(const std::string& name, const Labels& labels, Made::Series series) {
    const void* address = std::visit([](auto* p) -> const void* { return p; }, series);
    if (known.insert(address).second) by_service[service_of(labels)].push_back({name, series});
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {
  for (const auto& s : specs()) {
    switch (s.kind) {
      case Kind::gauge:
        impl_->gauges[s.name] = &prometheus::BuildGauge().Name(s.name).Help(s.help).Register(*impl_->registry);
        break;
      case Kind::counter:
        impl_->counters[s.name] = &prometheus::BuildCounter().Name(s.name).Help(s.help).Register(*impl_->registry);
        break;
      case Kind::histogram:
        impl_->histograms[s.name] =
            &prometheus::BuildHistogram().Name(s.name).Help(s.help).Register(*impl_->registry);
        break;
    }
  }
}

Metrics::~Metrics() = default;

void Metrics::set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(impl_->mu);
  auto* family = impl_->gauges.at(name);
  auto& g = family->Add(labels);
  impl_->remember(name, labels, &g);
  g.Set(value);
}

void Metrics::add(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(impl_->mu);
  auto& c = impl_->counters.at(name)->Add(labels);
  impl_->remember(name, labels, &c);
  c.Increment(value);
}

void Metrics::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(impl_->mu);
  static const prometheus::Histogram::BucketBoundaries buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                                  1,     2.5,  5,     10,   30,  60,   120};
  auto& h = impl_->histograms.at(name)->Add(labels, buckets);
  impl_->remember(name, labels, &h);
  h.Observe(value);
}

void Metrics::forget(const std::string& service) {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->by_service.find(service);
  if (it == impl_->by_service.end()) return;
  for (const auto& m : it->second) {
    std::visit([&](auto* series) { impl_->known.erase(series); }, m.series);
    if (auto* g = std::get_if<prometheus::Gauge*>(&m.series)) impl_->gauges.at(m.name)->Remove(*g);
    if (auto* c = std::get_if<prometheus::Counter*>(&m.series)) impl_->counters.at(m.name)->Remove(*c);
    if (auto* h = std::get_if<prometheus::Histogram*>(&m.series)) impl_->histograms.at(m.name)->Remove(*h);
  }
  impl_->by_service.erase(it);
}

std::string Metrics::text() const {
  return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

const std::map<std::string, std::string>& Metrics::help() {
  static const std::map<std::string, std::string> all = [] {
    std::map<std::string, std::string> m;
    for (const auto& s : specs()) m[s.name] = s.help;
    return m;
  }();
  return all;
}

}  // namespace ncprof::watch
