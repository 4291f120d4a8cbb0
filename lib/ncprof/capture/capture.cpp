#include "ncprof/capture/capture.hpp"

#include <algorithm>

#include <filesystem>

#include <fmt/format.h>

#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::capture {

namespace {

struct TypeInfo {
  ProfileType type;
  const char* name;
  const char* endpoint;
};

const TypeInfo kTypes[] = {
    {ProfileType::heap, "heap", "heap"},           {ProfileType::allocs, "allocs", "allocs"},
    {ProfileType::cpu, "cpu", "profile"},          {ProfileType::goroutine, "goroutine", "goroutine"},
    {ProfileType::block, "block", "block"},        {ProfileType::mutex, "mutex", "mutex"},
    {ProfileType::threadcreate, "threadcreate", "threadcreate"}, {ProfileType::trace, "trace", "trace"},
};

const TypeInfo& info(ProfileType t) {
  for (const auto& i : kTypes) {
    if (i.type == t) return i;
  }
  return kTypes[0];
}

long seconds_of(std::chrono::milliseconds d) {
  auto s = static_cast<long>((d.count() + 999) / 1000);
  return s < 1 ? 1 : s;
}

bool has_duration(const CaptureOptions& o) { return o.type == ProfileType::cpu || o.type == ProfileType::trace; }

// The first line of an error body, short, for a one-line message.
std::string first_line(const std::string& body) {
  std::string line = body.substr(0, body.find_first_of("\r\n"));
  if (line.size() > 100) line = line.substr(0, 100) + "...";
  return line;
}

}  // namespace

Result<ProfileType> parse_type(const std::string& s) {
  for (const auto& i : kTypes) {
    if (s == i.name) return i.type;
  }
  if (s == "profile") return ProfileType::cpu;
  return fail(ErrorKind::usage, fmt::format("unknown profile type '{}' (use {})", s, all_type_names()));
}

std::string type_name(ProfileType t) { return info(t).name; }

const char* all_type_names() { return "heap, allocs, cpu, goroutine, block, mutex, threadcreate, trace"; }

std::string profile_url(const targets::Service& s, const CaptureOptions& opts) {
  std::vector<std::string> query;
  if (has_duration(opts)) query.push_back(fmt::format("seconds={}", seconds_of(opts.duration)));
  if (opts.delta && !has_duration(opts)) query.push_back(fmt::format("seconds={}", seconds_of(*opts.delta)));
  if (opts.gc && opts.type == ProfileType::heap) query.push_back("gc=1");
  if (opts.debug) query.push_back(fmt::format("debug={}", *opts.debug));
  std::string url = s.pprof_base + "/" + info(opts.type).endpoint;
  for (std::size_t i = 0; i < query.size(); ++i) url += (i == 0 ? "?" : "&") + query[i];
  return url;
}

std::chrono::milliseconds request_timeout(const CaptureOptions& opts) {
  std::chrono::milliseconds extra{0};
  if (has_duration(opts)) extra = std::chrono::milliseconds(seconds_of(opts.duration) * 1000);
  if (opts.delta && !has_duration(opts)) extra = std::chrono::milliseconds(seconds_of(*opts.delta) * 1000);
  return extra + opts.timeout;
}

namespace {

// The checks before decoding: status, body, and the forms that are not
// pprof protobuf. True when the body is to be decoded as a profile.
Result<bool> check_reply(const client::HttpResponse& r, const std::string& url, const CaptureOptions& opts) {
  if (r.status != 200) {
    std::string why = first_line(r.body);
    if (why.find('<') != std::string::npos) why = "an HTML error page";
    return fail(ErrorKind::network, fmt::format("{}: HTTP {}{}{}", url, r.status, why.empty() ? "" : ": ", why));
  }
  if (r.body.empty()) return fail(ErrorKind::network, fmt::format("{}: empty response", url));
  if (opts.debug) {
    if (r.body.find("<html") != std::string::npos || r.body.find("<!DOCTYPE") != std::string::npos) {
      return fail(ErrorKind::network, fmt::format("{}: an HTML page, not a pprof text profile", url));
    }
    return false;
  }
  if (opts.type == ProfileType::trace) {
    if (r.body.rfind("go 1.", 0) != 0) {
      return fail(ErrorKind::network, fmt::format("{}: not a Go execution trace (\"{}\")", url, first_line(r.body)));
    }
    return false;
  }
  return true;
}

}  // namespace

Result<std::optional<profile::Profile>> check_response(const client::HttpResponse& r, const std::string& url,
                                                       const CaptureOptions& opts) {
  auto decode = check_reply(r, url, opts);
  if (!decode) return tl::unexpected(decode.error());
  if (!*decode) return std::optional<profile::Profile>{};
  auto p = profile::decode_profile(r.body, url, opts.decode);
  if (!p) return fail(ErrorKind::network, p.error().message);
  return std::optional<profile::Profile>(std::move(*p));
}

std::vector<CaptureResult> capture_all(const std::vector<targets::Service>& services, const CaptureOptions& opts,
                                       bool keep_profiles,
                                       const std::function<void(const client::FetchProgress&)>& progress) {
  std::vector<CaptureResult> results(services.size());
  std::vector<client::HttpRequest> requests;
  std::vector<std::size_t> request_of;  // result index per request
  for (std::size_t i = 0; i < services.size(); ++i) {
    auto& res = results[i];
    res.service = services[i].name;
    res.labels = services[i].labels;
    res.type = opts.file_tag.empty() ? type_name(opts.type) : opts.file_tag;
    res.url = profile_url(services[i], opts);
    auto headers = targets::resolve_headers(services[i]);
    if (!headers) {
      res.error = headers.error().message;
      res.error_kind = headers.error().kind;
      continue;
    }
    client::HttpRequest req;
    req.url = res.url;
    req.headers = std::move(*headers);
    req.total_timeout = request_timeout(opts);
    req.connect_timeout = std::min(opts.timeout, std::chrono::milliseconds(10000));
    req.max_bytes = opts.max_bytes;
    req.tls = opts.tls;
    requests.push_back(std::move(req));
    request_of.push_back(i);
  }
  auto responses = client::fetch_all(requests, opts.concurrency, progress, opts.stop, opts.pool);
  const auto now = std::chrono::system_clock::now();
  const std::string stamp = util::timestamp_for_file(now);
  // The directory is made when a file cannot be created without it (the
  // commands have usually made it already; watch writes into it all day).
  bool dir_checked = false;
  std::string reuse = opts.reuse_file;
  auto write = [&](const std::string& path, std::string_view body, bool& reused) -> Result<void> {
    auto ok = util::write_file_reusing(path, body, opts.sync, reuse, reused);
    if (reused) reuse.clear();
    if (ok || dir_checked) return ok;
    dir_checked = true;
    std::error_code ec;
    if (std::filesystem::is_directory(opts.out_dir, ec)) return ok;
    if (auto made = util::make_dirs(opts.out_dir); !made) return made;
    return util::write_file_atomic(path, body, opts.sync);
  };
  for (std::size_t k = 0; k < responses.size(); ++k) {
    auto& res = results[request_of[k]];
    if (!responses[k]) {
      res.error = responses[k].error().message;
      res.error_kind = responses[k].error().kind;
      continue;
    }
    const client::HttpResponse& r = *responses[k];
    auto decode = check_reply(r, res.url, opts);
    if (!decode) {
      res.error = decode.error().message;
      res.error_kind = decode.error().kind;
      continue;
    }
    // The profile itself when the caller keeps it; else what the results
    // say of it, read without building it.
    std::optional<profile::Profile> kept;
    if (*decode) {
      auto summary = [&]() -> Result<profile::ProfileSummary> {
        if (!keep_profiles) return profile::summarize_profile(r.body, res.url, opts.decode);
        auto p = profile::decode_profile(r.body, res.url, opts.decode);
        if (!p) return tl::unexpected(p.error());
        kept = std::move(*p);
        return profile::summarize(*kept);
      }();
      if (!summary) {
        res.error = summary.error().message;
        res.error_kind = ErrorKind::network;
        continue;
      }
      res.decoded = true;
      res.samples = summary->samples;
      if (!summary->sample_types.empty()) {
        res.sample_type = summary->sample_types[summary->default_index].type;
        res.unit = summary->sample_types[summary->default_index].unit;
        res.total = summary->total;
      }
      // Empty means no value at all, in any sample type: a delta heap
      // profile's in-use total can be 0 while it holds allocations.
      res.empty = summary->empty;
    }
    res.bytes = r.body.size();
    if (!opts.save) {
      res.ok = true;
      if (kept) res.profile = std::move(*kept);
      continue;
    }
    std::string ext = opts.debug ? ".txt" : (opts.type == ProfileType::trace ? ".trace" : ".pb.gz");
    std::string base =
        fmt::format("{}/{}_{}_{}", opts.out_dir, util::file_name_part(res.service), res.type, stamp);
    std::string path = base + ext;
    for (int n = 2; std::filesystem::exists(path); ++n) path = fmt::format("{}-{}{}", base, n, ext);
    auto ok = write(path, r.body, res.reused);
    if (!ok) {
      res.error = ok.error().message;
      res.error_kind = ok.error().kind;
      continue;
    }
    res.ok = true;
    res.file = path;
    res.bytes = r.body.size();
    if (kept) res.profile = std::move(*kept);
  }
  return results;
}

}  // namespace ncprof::capture
