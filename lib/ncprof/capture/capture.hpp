#pragma once
// Capturing profiles from many targets at once: URL per profile type,
// checked responses (status, content, a profile that decodes), files
// written whole or not at all.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ncprof/client/http.hpp"
#include "ncprof/profile/codec.hpp"
#include "ncprof/targets/targets.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::capture {

enum class ProfileType { heap, allocs, cpu, goroutine, block, mutex, threadcreate, trace };

Result<ProfileType> parse_type(const std::string& s);
std::string type_name(ProfileType t);
const char* all_type_names();  // "heap, allocs, ..."

struct CaptureOptions {
  ProfileType type = ProfileType::heap;
  std::chrono::milliseconds duration{30000};          // cpu and trace
  std::optional<std::chrono::milliseconds> delta;     // heap/allocs/block/mutex ?seconds=
  bool gc = false;                                     // heap ?gc=1
  std::optional<int> debug;                            // ?debug=N: text, saved as .txt
  std::chrono::milliseconds timeout{30000};            // grace on top of any duration
  std::size_t concurrency = 256;
  std::string out_dir = "profiles";
  std::uint64_t max_bytes = 512ull << 20;
  client::TlsOptions tls;
  profile::DecodeOptions decode;
  std::string file_tag;  // replaces the type in file names when set (e.g. "baseline")
  bool save = true;      // false: check and decode only, write no file
  bool sync = true;      // fsync each file (watch's stream of small files does without)
  const std::atomic<bool>* stop = nullptr;  // set (Ctrl-C): transfers under way are abandoned
  client::ConnectionPool* pool = nullptr;   // connections kept for the next capture (watch)
  // A file due for deletion that the (first) file written overwrites
  // instead of a new one (watch's oldest past --keep); see write_file_reusing.
  std::string reuse_file;
};

struct CaptureResult {
  std::string service;
  std::map<std::string, std::string> labels;  // from the config
  std::string type;
  std::string url;
  bool ok = false;
  std::string error;
  ErrorKind error_kind = ErrorKind::network;
  std::string file;
  std::uint64_t bytes = 0;
  bool reused = false;  // CaptureOptions::reuse_file is gone (taken by this file)
  // From the decoded profile (pprof types only):
  bool decoded = false;
  std::size_t samples = 0;
  std::string sample_type;
  std::string unit;
  std::int64_t total = 0;
  bool empty = false;
  std::optional<profile::Profile> profile;  // kept when asked for
};

// The URL of one profile of a service.
std::string profile_url(const targets::Service& s, const CaptureOptions& opts);

// Whole request duration allowed: duration or delta plus the timeout.
std::chrono::milliseconds request_timeout(const CaptureOptions& opts);

// Captures from every target concurrently. Failures are per target; files
// are written only for good responses. `keep_profiles` keeps the decoded
// profiles in the results (for callers that analyse them).
std::vector<CaptureResult> capture_all(const std::vector<targets::Service>& services, const CaptureOptions& opts,
                                       bool keep_profiles = false,
                                       const std::function<void(const client::FetchProgress&)>& progress = {});

// Checks one HTTP response for a profile type; returns the decoded profile
// (none for trace and debug text) or an error naming the URL.
Result<std::optional<profile::Profile>> check_response(const client::HttpResponse& r, const std::string& url,
                                                       const CaptureOptions& opts);

}  // namespace ncprof::capture
