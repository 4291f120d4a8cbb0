#include "ncprof/capture/health.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace ncprof::capture {

std::vector<HealthReading> read_health(const std::vector<targets::Service>& services, const client::TlsOptions& tls,
                                       std::chrono::milliseconds timeout, int retries) {
  std::vector<HealthReading> rows(services.size());
  std::vector<client::HttpRequest> requests;
  std::vector<std::size_t> row_of;
  for (std::size_t i = 0; i < services.size(); ++i) {
    rows[i].service = services[i].name;
    rows[i].url = services[i].health_url;
    if (services[i].health_url.empty()) {
      rows[i].status = HealthReading::Status::no_endpoint;
      continue;
    }
    auto headers = targets::resolve_headers(services[i]);
    if (!headers) {
      rows[i].error = headers.error().message;
      continue;
    }
    client::HttpRequest req;
    req.url = services[i].health_url;
    req.headers = std::move(*headers);
    req.total_timeout = timeout;
    req.connect_timeout = std::min(timeout, std::chrono::milliseconds(5000));
    req.max_bytes = 1 << 20;
    req.retries = retries;
    req.tls = tls;
    requests.push_back(std::move(req));
    row_of.push_back(i);
  }
  auto responses = client::fetch_all(requests, 64);
  for (std::size_t k = 0; k < responses.size(); ++k) {
    HealthReading& row = rows[row_of[k]];
    if (!responses[k]) {
      row.error = responses[k].error().message;
      continue;
    }
    if (responses[k]->status != 200) {
      row.error = fmt::format("{}: HTTP {}", row.url, responses[k]->status);
      continue;
    }
    try {
      auto doc = nlohmann::json::parse(responses[k]->body);
      if (!doc.is_object() || !doc.contains("heap_alloc_mb")) {
        row.error = fmt::format("{}: not a /health/memory document (no heap_alloc_mb)", row.url);
        continue;
      }
      row.figures = std::move(doc);
      row.status = HealthReading::Status::ok;
    } catch (const nlohmann::json::exception&) {
      row.error = fmt::format("{}: response is not JSON", row.url);
    }
  }
  return rows;
}

}  // namespace ncprof::capture
