#pragma once
// What `ncprof watch` exports to Prometheus, through prometheus-cpp's
// registry and text serializer (prometheus-cpp stays inside metrics.cpp).
// Every series carries `service` and the service's configured labels.
#include <map>
#include <memory>
#include <string>

namespace ncprof::watch {

using Labels = std::map<std::string, std::string>;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Gauges by name (ncprof_goroutines, ncprof_heap_inuse_bytes, ...): set.
  void set(const std::string& name, const Labels& labels, double value);
  // Counters by name (ncprof_captures_total, ...): add.
  void add(const std::string& name, const Labels& labels, double value = 1);
  // Histograms (ncprof_capture_duration_seconds): observe.
  void observe(const std::string& name, const Labels& labels, double value);
  // Drops every series of a service (it left the config).
  void forget(const std::string& service);

  // The Prometheus text exposition format (version 0.0.4).
  std::string text() const;

  // The names and help texts of every series (for docs and tests).
  static const std::map<std::string, std::string>& help();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ncprof::watch
