#include "ncprof/watch/watch.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <queue>
#include <sstream>
#include <thread>

#include <sys/resource.h>

#include <fmt/format.h>

#include "ncprof/capture/health.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::watch {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;
using std::chrono::milliseconds;

std::chrono::milliseconds job_offset(const std::string& service, const std::string& kind, milliseconds every) {
  std::uint64_t h = 1469598103934665603ull;
  for (const std::string* s : {&service, &kind}) {
    for (unsigned char c : *s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  }
  const auto span = static_cast<std::uint64_t>(std::max<std::int64_t>(every.count(), 1));
  return milliseconds(static_cast<std::int64_t>(h % span));
}

std::string ingest_url(const std::string& base, const std::string& service, const std::map<std::string, std::string>& labels,
                       const std::string& type, std::int64_t from, std::int64_t until) {
  std::string name = service + "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    name += fmt::format("{}{}={}", first ? "" : ",", k, v);
    first = false;
  }
  name += "}";
  std::string b = base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  (void)type;  // the pprof body names its own sample types
  return fmt::format("{}/ingest?name={}&from={}&until={}&format=pprof&spyName=ncprof", b, util::query_escape(name), from, until);
}

namespace {

double seconds_since_epoch(Clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

struct Job {
  std::uint64_t id = 0;
  std::string service;
  bool health = false;
  capture::ProfileType type = capture::ProfileType::heap;
  std::string kind;  // the type's name, or "health"
  milliseconds offset{0};
  Clock::time_point due;
  int failures = 0;
  bool in_flight = false;
  bool removed = false;
  std::size_t home = 0;  // the worker that keeps this target's connection
};

struct Point {
  double t;
  double v;
};

struct Target {
  targets::Service service;
  Labels labels;  // service plus the config's labels
  std::deque<Point> heap, goroutines;
  bool heap_warm = false, goroutines_warm = false;  // the first point after a start is left out
  bool leak_heap = false, leak_goroutines = false;
  bool health_gone = false;  // no /health/memory: not asked again
};

struct StoredFile {
  std::string path;
  std::uint64_t bytes = 0;
  Clock::time_point when;
};

}  // namespace

struct Watcher::Impl {
  WatchOptions opts;
  Metrics& metrics;
  std::function<void(const Event&)> log;

  mutable std::mutex mu;
  std::condition_variable wake;  // the scheduler: a job finished, or stop
  // Each worker has its queue and keeps its connections open between
  // captures. A job goes to the worker that is home to its target when that
  // one is idle (its connection is reused), else to any idle worker, else
  // to the shared queue, which every worker reads once its own is empty:
  // a slow target never holds up others behind it.
  struct WorkerSlot {
    std::condition_variable ready;
    std::deque<std::uint64_t> queue;
    bool busy = true;  // until it first waits
  };
  std::deque<WorkerSlot> slots;
  std::map<std::string, Target> targets;
  std::map<std::uint64_t, Job> jobs;  // by id (a job's id stays while it is queued)
  std::uint64_t next_id = 1;
  std::deque<std::uint64_t> queue;  // jobs ready to run, for any worker
  // Jobs waiting for their slot, earliest first: (due, id). An entry whose
  // job has since been removed or rescheduled is skipped when it comes up.
  std::priority_queue<std::pair<Clock::time_point, std::uint64_t>, std::vector<std::pair<Clock::time_point, std::uint64_t>>,
                      std::greater<>>
      pending;
  Clock::time_point last_age_check{};
  Clock::time_point scheduler_wakes{};  // when the scheduler's sleep ends
  bool stopping = false;
  const std::atomic<bool>* stop = nullptr;
  WatchStats stats;
  std::map<std::pair<std::string, std::string>, std::deque<StoredFile>> files;  // (service dir, type)

  Impl(WatchOptions o, Metrics& m, std::function<void(const Event&)> l)
      : opts(std::move(o)), metrics(m), log(std::move(l)), slots(std::max<std::size_t>(opts.workers, 1)) {}

  // Hands a due job to a worker (under mu).
  void dispatch(std::uint64_t id, std::size_t home) {
    WorkerSlot* to = slots[home].busy ? nullptr : &slots[home];
    for (std::size_t i = 0; !to && i < slots.size(); ++i) {
      if (!slots[i].busy && slots[i].queue.empty()) to = &slots[i];
    }
    if (!to) {
      queue.push_back(id);  // all busy: the first to finish takes it
      return;
    }
    to->queue.push_back(id);
    to->busy = true;
    to->ready.notify_one();
  }

  void emit(Event::Level level, const std::string& what, const std::string& service, std::string message,
            std::vector<std::pair<std::string, std::string>> fields = {}) {
    if (log) log(Event{level, what, service, std::move(message), std::move(fields)});
  }

  // The first slot at or after t: offset + k * every since the epoch.
  Clock::time_point slot_at_or_after(Clock::time_point t, milliseconds offset) const {
    const auto every = std::max<std::int64_t>(opts.every.count(), 1);
    const auto ms = std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count() - offset.count();
    const auto k = ms <= 0 ? 0 : (ms + every - 1) / every;
    return Clock::time_point(milliseconds(k * every + offset.count()));
  }

  // --- targets and jobs (under mu)
  void set_services(const std::vector<targets::Service>& services, Clock::time_point now) {
    std::map<std::string, const targets::Service*> wanted;
    for (const auto& s : services) wanted[s.name] = &s;
    for (auto it = targets.begin(); it != targets.end();) {
      if (!wanted.count(it->first)) {
        metrics.forget(it->first);
        for (auto& [id, j] : jobs) j.removed = j.removed || j.service == it->first;
        emit(Event::Level::info, "reload", it->first, "no longer watched");
        it = targets.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& s : services) {
      auto [it, inserted] = targets.try_emplace(s.name);
      it->second.service = s;
      it->second.labels = s.labels;
      it->second.labels["service"] = s.name;
      if (!inserted) continue;
      metrics.set("ncprof_leak_suspected", with(it->second.labels, "signal", "heap"), 0);
      metrics.set("ncprof_leak_suspected", with(it->second.labels, "signal", "goroutines"), 0);
      auto add = [&](bool health, capture::ProfileType type) {
        Job j;
        j.id = next_id++;
        j.service = s.name;
        j.health = health;
        j.type = type;
        j.kind = health ? "health" : capture::type_name(type);
        j.offset = job_offset(j.service, j.kind, opts.every);
        j.due = slot_at_or_after(now, j.offset);
        j.home = std::hash<std::string>{}(j.service) % slots.size();
        pending.emplace(j.due, j.id);
        jobs.emplace(j.id, std::move(j));
      };
      for (auto t : opts.types) add(false, t);
      add(true, capture::ProfileType::heap);
    }
  }

  static Labels with(Labels l, const std::string& k, const std::string& v) {
    l[k] = v;
    return l;
  }

  // --- retention (under mu)
  void scan_existing() {
    std::error_code ec;
    if (!fs::is_directory(opts.out_dir, ec)) return;
    for (auto it = fs::recursive_directory_iterator(opts.out_dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec) || it.depth() != 2) continue;
      const fs::path p = it->path();
      const std::string name = p.filename().string();
      if (name.find(".tmp") != std::string::npos) continue;
      const auto key = std::make_pair(p.parent_path().parent_path().filename().string(), p.parent_path().filename().string());
      auto mtime = fs::last_write_time(p, ec);
      // file_clock to system_clock (libstdc++ 12 has no clock_cast).
      const auto when = Clock::now() + std::chrono::duration_cast<Clock::duration>(mtime - fs::file_time_type::clock::now());
      files[key].push_back(StoredFile{p.string(), static_cast<std::uint64_t>(it->file_size(ec)), when});
      stats.disk_bytes += files[key].back().bytes;
    }
    for (auto& [key, list] : files) {
      std::sort(list.begin(), list.end(), [](const StoredFile& a, const StoredFile& b) { return a.when < b.when; });
    }
  }

  // Deletes a directory's file (the oldest unless said), or only forgets
  // it (unlink false: a new file took its place).
  void remove_file(std::deque<StoredFile>& list, const char* why, bool unlink = true, std::size_t index = 0) {
    const auto at = list.begin() + static_cast<std::ptrdiff_t>(index);
    std::error_code ec;
    if (unlink) fs::remove(at->path, ec);
    stats.disk_bytes -= std::min(stats.disk_bytes, at->bytes);
    ++stats.files_deleted;
    metrics.add("ncprof_files_deleted_total", {{"reason", why}});
    list.erase(at);
  }

  // written: the directory a file just went into (its count is checked);
  // null: all of them. Ages are checked at most once a second.
  void enforce_retention(Clock::time_point now, std::deque<StoredFile>* written = nullptr) {
    const bool check_age = opts.keep_for.count() > 0 && now - last_age_check >= std::chrono::seconds(1);
    if (check_age) last_age_check = now;
    if (!written || check_age) {
      for (auto& [key, list] : files) {
        while (opts.keep > 0 && list.size() > opts.keep) remove_file(list, "count");
        while (check_age && !list.empty() && list.front().when < now - opts.keep_for) remove_file(list, "age");
      }
    } else {
      while (opts.keep > 0 && written->size() > opts.keep) remove_file(*written, "count");
    }
    while (opts.max_disk > 0 && stats.disk_bytes > opts.max_disk) {
      std::deque<StoredFile>* oldest = nullptr;
      for (auto& [key, list] : files) {
        if (!list.empty() && (!oldest || list.front().when < oldest->front().when)) oldest = &list;
      }
      if (!oldest) break;
      remove_file(*oldest, "disk");
    }
    metrics.set("ncprof_disk_bytes", {}, static_cast<double>(stats.disk_bytes));
  }

  // --- the leak trend (under mu)
  void add_point(Target& t, bool heap, double when, double value) {
    bool& warm = heap ? t.heap_warm : t.goroutines_warm;
    if (!warm) {  // the first reading after a start: caches and pools still filling
      warm = true;
      return;
    }
    auto& series = heap ? t.heap : t.goroutines;
    series.push_back({when, value});
    const double window = std::chrono::duration<double>(opts.window).count();
    while (!series.empty() && series.front().t < when - window) series.pop_front();
    std::vector<double> xs, ys;
    for (const auto& p : series) {
      xs.push_back(p.t);
      ys.push_back(p.v);
    }
    const auto& rule = heap ? opts.heap_rule : opts.goroutine_rule;
    const auto r = leak::assess_trend(xs, ys, rule);
    const char* signal = heap ? "heap" : "goroutines";
    if (r.n >= 2) {
      metrics.set(heap ? "ncprof_leak_slope_bytes_per_second" : "ncprof_goroutine_slope_per_second", t.labels, r.slope);
    }
    const bool leak = r.verdict == leak::Verdict::leak;
    metrics.set("ncprof_leak_suspected", with(t.labels, "signal", signal), leak ? 1 : 0);
    bool& was = heap ? t.leak_heap : t.leak_goroutines;
    if (leak != was) {
      emit(leak ? Event::Level::warn : Event::Level::info, "leak", t.service.name,
           fmt::format("{}: {} ({})", signal, leak ? "LEAK suspected" : "no longer growing", r.reason),
           {{"signal", signal}, {"verdict", leak::verdict_name(r.verdict)}, {"slope", fmt::format("{}", r.slope)}});
      was = leak;
    }
  }

  // --- one job, off the lock
  void run_capture(Job job, const targets::Service& svc, const Labels& labels, Clock::time_point started,
                   client::ConnectionPool& pool) {
    capture::CaptureOptions co;
    co.type = job.type;
    co.duration = opts.duration;
    co.timeout = opts.timeout;
    co.gc = job.type == capture::ProfileType::heap;  // as leak-check: the in-use figure after a collection
    co.out_dir = (fs::path(opts.out_dir) / util::file_name_part(svc.name) / job.kind).string();
    co.concurrency = 1;
    co.tls = opts.tls;
    co.decode = opts.decode;
    co.stop = stop;
    co.pool = &pool;
    // Tens of files a second at scale, where fsync was an eighth of the
    // watch's CPU time; a file is still never partial (written aside, then
    // renamed), but a power cut may lose the last few.
    co.sync = false;
    const auto dir_key = std::make_pair(util::file_name_part(svc.name), job.kind);
    if (opts.keep > 0) {
      // At --keep already: the new file takes the oldest one's place (one
      // file renamed and rewritten, none created and deleted).
      std::lock_guard lock(mu);
      auto it = files.find(dir_key);
      if (it != files.end() && !it->second.empty() && it->second.size() >= opts.keep) {
        co.reuse_file = it->second.front().path;
      }
    }
    auto results = capture::capture_all({svc}, co);  // makes the directory
    const auto finished = Clock::now();
    const double secs = std::chrono::duration<double>(finished - started).count();
    const capture::CaptureResult& r = results.front();
    if (stop && stop->load()) return;  // abandoned: not a failure of the target
    const Labels typed = with(labels, "type", job.kind);
    metrics.observe("ncprof_capture_duration_seconds", typed, secs);
    std::unique_lock lock(mu);
    if (r.reused) {
      // The oldest file is gone, taken by the new one.
      auto& list = files[dir_key];
      auto old = std::find_if(list.begin(), list.end(), [&](const StoredFile& f) { return f.path == co.reuse_file; });
      if (old != list.end()) remove_file(list, "count", false, static_cast<std::size_t>(old - list.begin()));
    }
    auto tit = targets.find(job.service);
    metrics.add("ncprof_captures_total", with(typed, "result", r.ok ? "ok" : "error"));
    metrics.set("ncprof_target_up", labels, r.ok ? 1 : 0);
    if (!r.ok) {
      ++stats.captures_failed;
      lock.unlock();
      emit(Event::Level::warn, "capture", svc.name, fmt::format("{}: {}", job.kind, r.error),
           {{"type", job.kind}, {"url", r.url}, {"result", "error"}});
      finish(job, false);
      return;
    }
    ++stats.captures_ok;
    metrics.set("ncprof_last_capture_timestamp_seconds", typed, seconds_since_epoch(finished));
    auto& dir_files = files[dir_key];
    dir_files.push_back(StoredFile{r.file, r.bytes, finished});
    stats.disk_bytes += r.bytes;
    enforce_retention(finished, &dir_files);
    if (tit != targets.end() && r.decoded) {
      if (job.type == capture::ProfileType::heap) {
        metrics.set("ncprof_profile_inuse_bytes", labels, static_cast<double>(r.total));
        add_point(tit->second, true, seconds_since_epoch(finished), static_cast<double>(r.total));
      } else if (job.type == capture::ProfileType::goroutine) {
        // The count from the profile when the service has no health endpoint.
        if (tit->second.health_gone) metrics.set("ncprof_goroutines", labels, static_cast<double>(r.total));
        add_point(tit->second, false, seconds_since_epoch(finished), static_cast<double>(r.total));
      }
    }
    lock.unlock();
    emit(Event::Level::info, "capture", svc.name, fmt::format("{}: {} ({} bytes, {:.2f} s)", job.kind, r.file, r.bytes, secs),
         {{"type", job.kind}, {"file", r.file}, {"bytes", std::to_string(r.bytes)}, {"result", "ok"}});
    if (!opts.push.url.empty()) push(svc, job.kind, r.file, started, finished, pool);
    finish(job, true);
  }

  void push(const targets::Service& svc, const std::string& kind, const std::string& file, Clock::time_point from,
            Clock::time_point until, client::ConnectionPool& pool) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream body;
    body << in.rdbuf();
    client::HttpRequest req;
    req.url = ingest_url(opts.push.url, svc.name, svc.labels, kind,
                         std::chrono::duration_cast<std::chrono::seconds>(from.time_since_epoch()).count(),
                         std::chrono::duration_cast<std::chrono::seconds>(until.time_since_epoch()).count() + 1);
    req.headers = opts.push.headers;
    req.headers.emplace_back("Content-Type", "application/octet-stream");
    req.post_body = body.str();
    req.retries = std::max(0, opts.push.attempts - 1);
    req.total_timeout = opts.timeout;
    req.tls = opts.tls;
    auto res = client::fetch(req, &pool);
    const bool ok = res && res->status >= 200 && res->status < 300;
    const std::string why = !res ? res.error().message : fmt::format("HTTP {}", res->status);
    {
      std::lock_guard lock(mu);
      ok ? ++stats.pushes_ok : ++stats.pushes_failed;
    }
    metrics.add("ncprof_pushes_total", {{"service", svc.name}, {"result", ok ? "ok" : "error"}});
    // The URL without its query: the server, not the labels; headers never.
    const std::string where = opts.push.url;
    if (ok) {
      emit(Event::Level::info, "push", svc.name, fmt::format("{}: pushed to {}", kind, where), {{"type", kind}});
    } else {
      emit(Event::Level::warn, "push", svc.name, fmt::format("{}: push to {} failed: {} (the file stays)", kind, where, why),
           {{"type", kind}, {"error", why}});
    }
  }

  void run_health(Job job, const targets::Service& svc, const Labels& labels, client::ConnectionPool& pool) {
    // Short: a shutdown waits for a health read under way.
    auto readings = capture::read_health({svc}, opts.tls, std::min(opts.timeout, milliseconds(10000)), 1, &pool);
    const auto& h = readings.front();
    if (stop && stop->load()) return;
    std::unique_lock lock(mu);
    auto tit = targets.find(job.service);
    if (h.status == capture::HealthReading::Status::no_endpoint) {
      if (tit != targets.end()) tit->second.health_gone = true;
      lock.unlock();
      emit(Event::Level::info, "health", svc.name, "no /health/memory endpoint: not read again", {{"url", h.url}});
      finish(job, true, true);
      return;
    }
    if (h.status != capture::HealthReading::Status::ok) {
      lock.unlock();
      emit(Event::Level::warn, "health", svc.name, h.error, {{"url", h.url}});
      finish(job, false);
      return;
    }
    using F = capture::HealthField;
    auto set = [&](const char* name, F f, double scale) {
      if (auto v = h.figures.get(f)) metrics.set(name, labels, *v * scale);
    };
    set("ncprof_heap_alloc_bytes", F::heap_alloc_mb, 1024.0 * 1024.0);
    set("ncprof_heap_inuse_bytes", F::heap_inuse_mb, 1024.0 * 1024.0);
    set("ncprof_goroutines", F::num_goroutine, 1);
    set("ncprof_gc_pause_seconds", F::last_gc_pause_ms, 1e-3);
    // Without a heap or goroutine profile in the schedule, the trend reads
    // the health figures instead.
    const double now = seconds_since_epoch(Clock::now());
    const auto& types = opts.types;
    if (tit != targets.end()) {
      if (std::find(types.begin(), types.end(), capture::ProfileType::heap) == types.end()) {
        if (auto v = h.figures.get(F::heap_inuse_mb)) add_point(tit->second, true, now, *v * 1024.0 * 1024.0);
      }
      if (std::find(types.begin(), types.end(), capture::ProfileType::goroutine) == types.end()) {
        if (auto v = h.figures.get(F::num_goroutine)) add_point(tit->second, false, now, *v);
      }
    }
    lock.unlock();
    finish(job, true);
  }

  // Reschedules a job that ran (takes mu).
  void finish(const Job& ran, bool ok, bool retire = false) {
    std::lock_guard lock(mu);
    if (auto it = jobs.find(ran.id); it != jobs.end()) {
      Job& j = it->second;
      j.in_flight = false;
      if (retire || j.removed) {
        j.removed = true;
        return;
      }
      const auto now = Clock::now();
      const auto next_slot = j.due + opts.every;
      if (ok) {
        j.failures = 0;
        j.due = slot_at_or_after(std::max(next_slot, now), j.offset);
        const auto skipped = (j.due - next_slot) / opts.every;
        if (skipped > 0) {
          stats.missed += static_cast<std::uint64_t>(skipped);
          metrics.add("ncprof_captures_missed_total", with(targets.count(j.service) ? targets[j.service].labels : Labels{},
                                                           "type", j.kind),
                      static_cast<double>(skipped));
        }
      } else {
        // Back off: the next slot, then every 2nd, 4th, 8th.
        ++j.failures;
        const auto wait = opts.every * ((1 << std::min(j.failures - 1, 3)) - 1);
        j.due = slot_at_or_after(std::max(next_slot, now + wait), j.offset);
      }
      pending.emplace(j.due, j.id);
      // The scheduler sleeps until its next job is due: woken only when
      // this one comes before that (tens of captures a second finish, and
      // each is next due an interval later).
      if (j.due < scheduler_wakes) wake.notify_all();
    }
  }

  void worker(std::size_t me, std::size_t max_idle) {
    client::ConnectionPool pool(max_idle);
    WorkerSlot& slot = slots[me];
    for (;;) {
      std::unique_lock lock(mu);
      if (slot.queue.empty() && queue.empty()) {
        slot.busy = false;
        slot.ready.wait(lock, [&] { return stopping || !slot.queue.empty() || !queue.empty(); });
      }
      if (stopping) return;
      slot.busy = true;
      auto& from = slot.queue.empty() ? queue : slot.queue;
      const std::uint64_t id = from.front();
      from.pop_front();
      auto jit = jobs.find(id);
      if (jit == jobs.end()) continue;
      Job job = jit->second;
      auto tit = targets.find(job.service);
      if (tit == targets.end() || job.removed) {
        jit->second.in_flight = false;
        continue;
      }
      const targets::Service svc = tit->second.service;
      const Labels labels = tit->second.labels;
      lock.unlock();
      const auto started = Clock::now();
      if (job.health) {
        run_health(job, svc, labels, pool);
      } else {
        run_capture(job, svc, labels, started, pool);
      }
    }
  }
};

Watcher::Watcher(WatchOptions opts, std::vector<targets::Service> services, Metrics& metrics,
                 std::function<void(const Event&)> log)
    : impl_(std::make_unique<Impl>(std::move(opts), metrics, std::move(log))) {
  std::lock_guard lock(impl_->mu);
  impl_->scan_existing();
  impl_->set_services(services, Clock::now());
  impl_->enforce_retention(Clock::now());
}

Watcher::~Watcher() = default;

void Watcher::run(const std::atomic<bool>& stop, std::atomic<bool>* reload_flag,
                  const std::function<Result<std::vector<targets::Service>>()>& reload) {
  Impl& m = *impl_;
  m.stop = &stop;
  // Each worker keeps the connections of the targets it is home to, and a
  // few more for the jobs it takes from busy workers.
  // Each origin (pprof, health) of a home target, with room to spare, but
  // never more than half the descriptors the process may open.
  std::size_t max_idle = 0;
  {
    std::lock_guard lock(m.mu);
    rlimit files{};
    const std::size_t fd_limit = getrlimit(RLIMIT_NOFILE, &files) == 0 ? files.rlim_cur : 1024;
    const std::size_t budget = std::max<std::size_t>(fd_limit > 256 ? (fd_limit - 256) / 2 / m.slots.size() : 0, 2);
    max_idle = std::clamp<std::size_t>(m.targets.size() * 3 / m.slots.size() + 4, 2, std::min<std::size_t>(128, budget));
  }
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < m.slots.size(); ++i) workers.emplace_back([&m, i, max_idle] { m.worker(i, max_idle); });
  while (!stop.load()) {
    if (reload_flag && reload_flag->exchange(false) && reload) {
      auto services = reload();
      if (!services) {
        m.emit(Event::Level::error, "reload", "", fmt::format("{} (the watch goes on with the previous targets)",
                                                              services.error().message));
      } else {
        std::lock_guard lock(m.mu);
        m.set_services(*services, Clock::now());
        std::erase_if(m.jobs, [](const auto& kv) { return kv.second.removed && !kv.second.in_flight; });
        m.emit(Event::Level::info, "reload", "", fmt::format("watching {} targets", m.targets.size()));
      }
    }
    std::unique_lock lock(m.mu);
    const auto now = Clock::now();
    auto next = now + std::chrono::milliseconds(200);  // stop and reload are looked at this often
    while (!m.pending.empty()) {
      const auto [due, id] = m.pending.top();
      auto it = m.jobs.find(id);
      if (it == m.jobs.end() || it->second.removed || it->second.in_flight || it->second.due != due) {
        m.pending.pop();  // stale: removed, or rescheduled since
        continue;
      }
      if (due > now) {
        next = std::min(next, due);
        break;
      }
      m.pending.pop();
      Job& j = it->second;
      if (now - j.due > m.opts.every / 10) {
        ++m.stats.late;
        auto tit = m.targets.find(j.service);
        m.metrics.add("ncprof_captures_late_total",
                      Impl::with(tit != m.targets.end() ? tit->second.labels : Labels{}, "type", j.kind));
      }
      j.in_flight = true;
      m.dispatch(id, j.home);
    }
    m.scheduler_wakes = next;
    m.wake.wait_until(lock, next, [&] { return stop.load(); });
  }
  {
    std::lock_guard lock(m.mu);
    m.stopping = true;
    for (auto& slot : m.slots) slot.ready.notify_all();
  }
  for (auto& w : workers) w.join();
}

WatchStats Watcher::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

}  // namespace ncprof::watch
