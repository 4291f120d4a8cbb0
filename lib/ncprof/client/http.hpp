#pragma once
// HTTP for ncprof: plain value types in front of libcurl (which stays in
// the .cpp). Many requests run at the same time on one multi handle.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ncprof/util/error.hpp"

namespace ncprof::client {

struct TlsOptions {
  bool insecure = false;  // skip certificate verification
  std::string cacert;     // a CA bundle file
};

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{30000};
  std::uint64_t max_bytes = 512ull << 20;
  int retries = 2;  // extra attempts on connection failures and 5xx
  std::chrono::milliseconds backoff{300};  // doubles each retry
  TlsOptions tls;
  // A POST of this body when set (redirects are then not followed: a body
  // is sent to the address given only).
  std::optional<std::string> post_body;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
  bool go_pprof_error = false;  // X-Go-Pprof: 1 (net/http/pprof's error replies)
  int attempts = 0;
};

// A failed transfer: kind network (unreachable, 5xx after retries, too
// big) or timeout. Non-2xx statuses are responses, not errors.
using HttpResult = Result<HttpResponse>;

struct FetchProgress {
  std::size_t done = 0;
  std::size_t total = 0;
  std::chrono::milliseconds elapsed{0};
};

// Open connections kept between fetch_all calls, at most `max_idle` of
// them (the least recently used is closed first), so a caller that asks
// the same servers again and again (watch) connects once per server. One
// thread at a time.
class ConnectionPool {
 public:
  explicit ConnectionPool(std::size_t max_idle);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

 private:
  friend std::vector<HttpResult> fetch_all(const std::vector<HttpRequest>&, std::size_t,
                                           const std::function<void(const FetchProgress&)>&, const std::atomic<bool>*,
                                           ConnectionPool*);
  void* multi_;  // CURLM, whose connection cache outlives its transfers
  std::size_t max_idle_;
  std::vector<void*> easy_;  // CURL handles kept with their buffers, for the next transfers
};

// Runs every request, at most `concurrency` at once; results in request
// order. `progress` (optional) is called about every 200 ms. When `stop`
// (optional) becomes true, transfers under way are abandoned and every
// request not finished fails as interrupted (kind usage). Without a
// `pool`, connections close when the call returns.
std::vector<HttpResult> fetch_all(const std::vector<HttpRequest>& requests, std::size_t concurrency,
                                  const std::function<void(const FetchProgress&)>& progress = {},
                                  const std::atomic<bool>* stop = nullptr, ConnectionPool* pool = nullptr);

HttpResult fetch(const HttpRequest& request, ConnectionPool* pool = nullptr);

std::string user_agent();

// "https://H:443/x?y" -> "https://h:443": scheme, host and port, lower case.
std::string origin_of(const std::string& url);

}  // namespace ncprof::client
