#pragma once
// Reading /health/memory from many services at once.
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ncprof/client/http.hpp"
#include "ncprof/targets/targets.hpp"

namespace ncprof::capture {

struct HealthReading {
  enum class Status { ok, no_endpoint, unreachable };
  std::string service;
  std::string url;
  Status status = Status::unreachable;
  std::string error;       // why it is unreachable, naming the URL
  nlohmann::json figures;  // the document's fields, when ok
};

// Fetches every service's health endpoint concurrently. A reading is ok
// only for a JSON document with heap_alloc_mb.
std::vector<HealthReading> read_health(const std::vector<targets::Service>& services, const client::TlsOptions& tls,
                                       std::chrono::milliseconds timeout, int retries);

}  // namespace ncprof::capture
