#pragma once
// Reading /health/memory from many services at once. A service's answer is
// untrusted: its JSON is checked for depth and type field by field, and a
// bad document is that service's error, never the whole run's.
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ncprof/client/http.hpp"
#include "ncprof/targets/targets.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::capture {

// The figures of a /health/memory document, in the order shown.
enum class HealthField {
  heap_alloc_mb,
  heap_inuse_mb,
  heap_idle_mb,
  stack_inuse_mb,
  num_gc,
  num_goroutine,
  gomaxprocs,
  last_gc_pause_ms,
};
inline constexpr std::size_t kHealthFields = 8;
const char* health_field_name(HealthField f);

struct HealthFigures {
  std::array<std::optional<double>, kHealthFields> values;  // absent where the document lacks one
  std::string timestamp;                                    // the service's own, when it sends one

  std::optional<double> get(HealthField f) const { return values[static_cast<std::size_t>(f)]; }
};

// Parses a /health/memory document: a JSON object, nested at most a few
// levels, whose figures are finite non-negative numbers. `url` names it in
// errors.
Result<HealthFigures> parse_health(std::string_view body, const std::string& url);

struct HealthReading {
  enum class Status { ok, no_endpoint, unreachable, invalid };
  std::string service;
  std::string url;      // the address asked (or that answered)
  bool probed = false;  // no health URL was configured: the pprof port's /health/memory was tried
  Status status = Status::unreachable;
  std::string error;  // why, naming the URL
  HealthFigures figures;
};

// Fetches every service's health endpoint concurrently. Services without
// a configured endpoint but with `health_probe` are tried at their pprof
// address's /health/memory; a 404 there means "no health endpoint".
std::vector<HealthReading> read_health(const std::vector<targets::Service>& services, const client::TlsOptions& tls,
                                       std::chrono::milliseconds timeout, int retries,
                                       client::ConnectionPool* pool = nullptr);

}  // namespace ncprof::capture
