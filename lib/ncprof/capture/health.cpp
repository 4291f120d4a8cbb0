#include "ncprof/capture/health.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ncprof::capture {

namespace {

constexpr const char* kFieldNames[kHealthFields] = {"heap_alloc_mb", "heap_inuse_mb", "heap_idle_mb",
                                                    "stack_inuse_mb", "num_gc",        "num_goroutine",
                                                    "gomaxprocs",    "last_gc_pause_ms"};

// The deepest nesting of arrays and objects, outside strings. A health
// document is flat; a deep one is refused before it is parsed (deep JSON
// makes recursive copies and destructors overflow the stack).
std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

const char* health_field_name(HealthField f) { return kFieldNames[static_cast<std::size_t>(f)]; }

Result<HealthFigures> parse_health(std::string_view body, const std::string& url) {
  auto not_health = [&](const std::string& why) {
    return fail(ErrorKind::network, fmt::format("{}: not a /health/memory document ({})", url, why));
  };
  if (nesting_depth(body) > 8) return not_health("JSON nested too deeply");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception&) {
    return not_health("not JSON");
  }
  if (!doc.is_object()) return not_health("not a JSON object");
  if (!doc.contains("heap_alloc_mb")) return not_health("no heap_alloc_mb");
  HealthFigures h;
  for (std::size_t i = 0; i < kHealthFields; ++i) {
    auto it = doc.find(kFieldNames[i]);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_number()) return not_health(fmt::format("{} is not a number", kFieldNames[i]));
    const double v = it->get<double>();
    // Megabytes, counts and milliseconds: anything past 1e15 is not a
    // reading but garbage (and would not survive conversion to integers).
    if (!std::isfinite(v) || v < 0 || v > 1e15) {
      return not_health(fmt::format("{} is out of range", kFieldNames[i]));
    }
    h.values[i] = v;
  }
  if (auto it = doc.find("timestamp"); it != doc.end() && it->is_string()) {
    h.timestamp = it->get<std::string>().substr(0, 64);
  }
  return h;
}

std::vector<HealthReading> read_health(const std::vector<targets::Service>& services, const client::TlsOptions& tls,
                                       std::chrono::milliseconds timeout, int retries, client::ConnectionPool* pool) {
  std::vector<HealthReading> rows(services.size());
  std::vector<client::HttpRequest> requests;
  std::vector<std::size_t> row_of;
  for (std::size_t i = 0; i < services.size(); ++i) {
    const auto& s = services[i];
    rows[i].service = s.name;
    rows[i].url = s.health_url;
    if (s.health_url.empty()) {
      if (!s.health_probe) {
        rows[i].status = HealthReading::Status::no_endpoint;
        continue;
      }
      rows[i].url = client::origin_of(s.pprof_base) + "/health/memory";
      rows[i].probed = true;
    }
    auto headers = targets::resolve_headers(s);
    if (!headers) {
      rows[i].error = headers.error().message;
      continue;
    }
    client::HttpRequest req;
    req.url = rows[i].url;
    req.headers = std::move(*headers);
    req.total_timeout = timeout;
    req.connect_timeout = std::min(timeout, std::chrono::milliseconds(5000));
    req.max_bytes = 1 << 20;
    req.retries = retries;
    req.tls = tls;
    requests.push_back(std::move(req));
    row_of.push_back(i);
  }
  auto responses = client::fetch_all(requests, 64, {}, nullptr, pool);
  for (std::size_t k = 0; k < responses.size(); ++k) {
    HealthReading& row = rows[row_of[k]];
    if (!responses[k]) {
      row.error = responses[k].error().message;
      continue;
    }
    if (row.probed && responses[k]->status == 404) {
      row.status = HealthReading::Status::no_endpoint;
      row.error = fmt::format("{}: HTTP 404", row.url);
      continue;
    }
    if (responses[k]->status != 200) {
      row.error = fmt::format("{}: HTTP {}", row.url, responses[k]->status);
      continue;
    }
    auto figures = parse_health(responses[k]->body, row.url);
    if (!figures) {
      row.status = HealthReading::Status::invalid;
      row.error = figures.error().message;
      continue;
    }
    row.figures = std::move(*figures);
    row.status = HealthReading::Status::ok;
  }
  return rows;
}

}  // namespace ncprof::capture
