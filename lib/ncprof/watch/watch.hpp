#pragma once
// `ncprof watch`: profiles captured on a schedule per target and type,
// kept with retention, /health/memory read every interval, the leak trend
// of leak-check run over a rolling window, Prometheus series and pushes to
// a continuous-profiling server (Grafana Pyroscope's ingest API).
//
// Scheduling: each (target, type) has a stable offset within the interval
// (a hash of its name, as Parca spreads scrapes), so many targets are not
// hit at once; a job never runs twice at once; a failing job backs off
// (the next slot, then every 2nd, 4th, 8th slot); slots a capture ran over
// are counted as missed, starts more than a tenth of the interval after
// the slot as late.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ncprof/capture/capture.hpp"
#include "ncprof/leak/trend.hpp"
#include "ncprof/targets/targets.hpp"
#include "ncprof/watch/metrics.hpp"

namespace ncprof::watch {

struct PushOptions {
  std::string url;  // the server's base URL (…/ingest is added); empty: no push
  std::vector<std::pair<std::string, std::string>> headers;  // resolved (secrets: never logged)
  int attempts = 3;
};

struct WatchOptions {
  std::vector<capture::ProfileType> types = {capture::ProfileType::heap, capture::ProfileType::goroutine};
  std::chrono::milliseconds every{60000};
  std::chrono::milliseconds duration{10000};  // cpu and trace captures
  std::chrono::milliseconds timeout{30000};
  std::string out_dir = "profiles";
  std::size_t keep = 100;                    // files per service and type; 0: no limit
  std::chrono::milliseconds keep_for{0};     // 0: no age limit
  std::uint64_t max_disk = 0;                // bytes under out_dir; 0: no limit
  std::chrono::milliseconds window{3600000};  // the leak trend's rolling window
  leak::TrendRule heap_rule{0.01, 32.0 * 1024 * 1024 / 3600, 0, 5, "bytes"};
  leak::TrendRule goroutine_rule{0.01, 60.0 / 3600, 0, 5, "goroutines"};
  std::size_t workers = 16;
  client::TlsOptions tls;
  profile::DecodeOptions decode;
  PushOptions push;
};

// One line of the watch's log.
struct Event {
  enum class Level { info, warn, error };
  Level level = Level::info;
  std::string what;     // "capture", "health", "push", "retention", "leak", "reload", ...
  std::string service;  // empty: the watch itself
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;  // for --log-format json
};

struct WatchStats {
  std::uint64_t captures_ok = 0, captures_failed = 0, late = 0, missed = 0;
  std::uint64_t pushes_ok = 0, pushes_failed = 0, files_deleted = 0;
  std::uint64_t disk_bytes = 0;
};

class Watcher {
 public:
  Watcher(WatchOptions opts, std::vector<targets::Service> services, Metrics& metrics,
          std::function<void(const Event&)> log);
  ~Watcher();
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // Runs until stop is set; captures under way are abandoned then (no
  // partial file is left). While it runs, `reload` (when set) is called
  // each time the flag is raised: its services replace the watched ones,
  // keeping the history of those still there.
  void run(const std::atomic<bool>& stop, std::atomic<bool>* reload_flag = nullptr,
           const std::function<Result<std::vector<targets::Service>>()>& reload = {});

  WatchStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The stable offset of a job within the interval (FNV-1a of its name).
std::chrono::milliseconds job_offset(const std::string& service, const std::string& kind,
                                     std::chrono::milliseconds every);

// Pyroscope's ingest URL for one profile: BASE/ingest?name=SERVICE{labels}
// &from=&until=&format=pprof&spyName=ncprof (from/until in Unix seconds).
std::string ingest_url(const std::string& base, const std::string& service, const std::map<std::string, std::string>& labels,
                       const std::string& type, std::int64_t from, std::int64_t until);

}  // namespace ncprof::watch
