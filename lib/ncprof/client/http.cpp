#include "ncprof/client/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "ncprof/util/log.hpp"

namespace ncprof::client {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

using Clock = std::chrono::steady_clock;

struct Transfer {
  std::size_t index = 0;
  const HttpRequest* request = nullptr;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  HttpResponse response;
  bool too_big = false;
  int attempts = 0;
  int redirects = 0;       // followed by hand (requests with headers)
  std::string url;         // where this attempt goes: the request's, or a same-origin redirect
  bool in_multi = false;
  Clock::time_point not_before;
  char error[CURL_ERROR_SIZE] = {0};

  ~Transfer() {
    if (headers) curl_slist_free_all(headers);
    if (easy) curl_easy_cleanup(easy);
  }
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t len = size * n;
  if (t->response.body.size() + len > t->request->max_bytes) {
    t->too_big = true;
    return 0;  // abort the transfer
  }
  t->response.body.append(data, len);
  return len;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    if (name == "content-type") t->response.content_type = value;
    if (name == "x-go-pprof") t->response.go_pprof_error = true;
  }
  return size * n;
}

void prepare(Transfer& t) {
  const HttpRequest& r = *t.request;
  if (!t.easy) t.easy = curl_easy_init();
  CURL* e = t.easy;
  curl_easy_reset(e);
  t.response = HttpResponse{};
  t.too_big = false;
  t.error[0] = 0;
  if (!t.headers) {
    for (const auto& [k, v] : r.headers) t.headers = curl_slist_append(t.headers, (k + ": " + v).c_str());
  }
  if (t.url.empty()) t.url = r.url;
  curl_easy_setopt(e, CURLOPT_URL, t.url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  // Configured headers carry secrets: libcurl would send them to wherever a
  // redirect points (it strips only Authorization and Cookie), so requests
  // with headers follow redirects by hand, to the same origin only.
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.headers.empty() && !r.post_body ? 1L : 0L);
  if (r.post_body) {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.post_body->data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.post_body->size()));
  }
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.total_timeout.count()));
  curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent().c_str());
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // let the server compress text
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  if (t.headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
  if (r.tls.insecure) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!r.tls.cacert.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, r.tls.cacert.c_str());
}

bool retryable(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
      return true;
    default:
      return false;
  }
}

// Decides what a finished attempt means: a result, or another attempt.
bool finish(Transfer& t, CURLcode rc, std::vector<HttpResult>& results) {
  const HttpRequest& r = *t.request;
  t.response.attempts = t.attempts;
  if (rc == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    t.response.status = status;
    if (status >= 300 && status < 400 && !r.headers.empty()) {
      const char* location = nullptr;
      curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_URL, &location);
      const std::string to = location ? location : "";
      if (!to.empty() && origin_of(to) == origin_of(r.url) && t.redirects < 5) {
        ++t.redirects;
        --t.attempts;  // a redirect is not a failed attempt
        t.url = to;
        return false;
      }
      results[t.index] = fail(ErrorKind::network,
                              fmt::format("{}: redirected to {}: not followed, the configured headers go to their own "
                                          "address only (configure the address it moved to)",
                                          r.url, to.empty() ? "nowhere" : to));
      return true;
    }
    if (status >= 500 && t.attempts <= r.retries) return false;
    results[t.index] = std::move(t.response);
    return true;
  }
  if (t.too_big) {
    results[t.index] = fail(ErrorKind::network, fmt::format("{}: response larger than the limit of {} bytes", r.url,
                                                            r.max_bytes));
    return true;
  }
  if (retryable(rc) && t.attempts <= r.retries) return false;
  std::string detail = t.error[0] ? t.error : curl_easy_strerror(rc);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    results[t.index] = fail(ErrorKind::timeout, fmt::format("{}: timed out ({})", r.url, detail));
  } else {
    std::string tries = t.attempts > 1 ? fmt::format(" (after {} attempts)", t.attempts) : "";
    results[t.index] = fail(ErrorKind::network, fmt::format("{}: {}{}", r.url, detail, tries));
  }
  return true;
}

}  // namespace

std::string user_agent() { return std::string("ncprof/") + NCPROF_VERSION; }

std::string origin_of(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const auto path = url.find_first_of("/?#", scheme_end + 3);
  std::string origin = path == std::string::npos ? url : url.substr(0, path);
  for (auto& c : origin) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return origin;
}


ConnectionPool::ConnectionPool(std::size_t max_idle) : max_idle_(std::max<std::size_t>(1, max_idle)) {
  global_init();
  multi_ = curl_multi_init();
}

ConnectionPool::~ConnectionPool() {
  for (void* e : easy_) curl_easy_cleanup(static_cast<CURL*>(e));
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

std::vector<HttpResult> fetch_all(const std::vector<HttpRequest>& requests, std::size_t concurrency,
                                  const std::function<void(const FetchProgress&)>& progress,
                                  const std::atomic<bool>* stop, ConnectionPool* pool) {
  global_init();
  std::vector<HttpResult> results(requests.size(), fail(ErrorKind::internal, "not run"));
  if (requests.empty()) return results;
  concurrency = std::max<std::size_t>(1, concurrency);
  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> own(pool ? nullptr : curl_multi_init(), curl_multi_cleanup);
  CURLM* const multi = pool ? static_cast<CURLM*>(pool->multi_) : own.get();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(pool ? std::max(pool->max_idle_, concurrency) : concurrency));
  std::vector<std::unique_ptr<Transfer>> transfers;
  std::deque<Transfer*> waiting;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto t = std::make_unique<Transfer>();
    t->index = i;
    t->request = &requests[i];
    if (pool && !pool->easy_.empty()) {
      t->easy = static_cast<CURL*>(pool->easy_.back());
      pool->easy_.pop_back();
    }
    waiting.push_back(t.get());
    transfers.push_back(std::move(t));
  }
  const auto start = Clock::now();
  auto last_progress = start;
  std::size_t active = 0, done = 0;
  while (done < requests.size()) {
    if (stop && stop->load()) {
      // Interrupted: detach what is under way; what did not finish fails.
      for (auto& t : transfers) {
        if (t->in_multi) curl_multi_remove_handle(multi, t->easy);
        t->in_multi = false;
      }
      for (std::size_t i = 0; i < results.size(); ++i) {
        if (!results[i] && results[i].error().kind == ErrorKind::internal) {
          results[i] = fail(ErrorKind::usage, fmt::format("{}: interrupted", requests[i].url));
        }
      }
      break;
    }
    auto now = Clock::now();
    // Start what may start: a free slot, and any retry backoff elapsed.
    for (auto it = waiting.begin(); it != waiting.end() && active < concurrency;) {
      Transfer* t = *it;
      if (t->not_before > now) {
        ++it;
        continue;
      }
      prepare(*t);
      ++t->attempts;
      curl_multi_add_handle(multi, t->easy);
      t->in_multi = true;
      curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
      ++active;
      it = waiting.erase(it);
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      CURLcode rc = msg->data.result;
      curl_multi_remove_handle(multi, msg->easy_handle);
      t->in_multi = false;
      --active;
      if (util::debug_enabled()) {
        double seconds = 0;
        long status = 0;
        curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME, &seconds);
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        // The URL and what came back; never a header (they carry secrets).
        util::debug_log(rc == CURLE_OK
                            ? fmt::format("GET {} -> HTTP {}, {} bytes, {:.0f} ms, attempt {}", t->request->url,
                                          status, t->response.body.size(), seconds * 1000, t->attempts)
                            : fmt::format("GET {} -> {}, {:.0f} ms, attempt {}", t->request->url,
                                          t->error[0] ? t->error : curl_easy_strerror(rc), seconds * 1000,
                                          t->attempts));
      }
      if (finish(*t, rc, results)) {
        ++done;
      } else {
        // A retry waits, doubling; a followed redirect does not.
        auto delay = t->attempts >= 1 ? t->request->backoff * (1 << std::min(t->attempts - 1, 6))
                                      : std::chrono::milliseconds(0);
        t->not_before = Clock::now() + delay;
        waiting.push_back(t);
      }
    }
    now = Clock::now();
    if (progress && now - last_progress >= std::chrono::milliseconds(200)) {
      last_progress = now;
      progress(FetchProgress{done, requests.size(),
                             std::chrono::duration_cast<std::chrono::milliseconds>(now - start)});
    }
    if (done < requests.size()) curl_multi_poll(multi, nullptr, 0, 50, nullptr);
  }
  if (pool) {
    for (auto& t : transfers) {
      if (!t->easy || t->in_multi || pool->easy_.size() >= std::max<std::size_t>(concurrency, 4)) continue;
      curl_easy_reset(t->easy);  // no pointer left into this call's transfer (headers, error buffer)
      pool->easy_.push_back(t->easy);
      t->easy = nullptr;
    }
  }
  return results;
}

HttpResult fetch(const HttpRequest& request, ConnectionPool* pool) {
  return std::move(fetch_all({request}, 1, {}, nullptr, pool).front());
}

}  // namespace ncprof::client
