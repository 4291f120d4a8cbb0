#pragma once
// Goroutine dumps in every form net/http/pprof serves them: the protobuf
// profile, ?debug=1 (counts per stack) and ?debug=2 (one block per
// goroutine, with wait states). Grouped by stack to count and compare.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ncprof/util/error.hpp"

namespace ncprof::leak {

struct GoroutineGroup {
  std::string state;                // "chan receive" (debug=2 only)
  std::vector<std::string> frames;  // function names, leaf first
  std::string created_by;           // debug=2 only
  std::int64_t count = 0;
  std::int64_t longest_wait_minutes = 0;  // debug=2: the longest "N minutes"

  // The grouping key: state (when known) and frames.
  std::string key(bool with_state) const;
};

struct GoroutineDump {
  std::string format;  // "protobuf", "debug=1" or "debug=2"
  std::int64_t total = 0;
  std::vector<GoroutineGroup> groups;  // largest first
  bool has_states() const { return format == "debug=2"; }
};

}  // namespace ncprof::leak

namespace ncprof::profile {
struct Profile;
}

namespace ncprof::leak {

// Groups a decoded goroutine profile by stack.
Result<GoroutineDump> goroutines_from_profile(const profile::Profile& p, const std::string& source);

// Detects the form and parses it; errors name the source and the line.
Result<GoroutineDump> parse_goroutines(std::string_view data, const std::string& source);

struct GoroutineGrowth {
  GoroutineGroup group;  // as in the newer dump
  std::int64_t base = 0;
  std::int64_t now = 0;
  std::int64_t growth() const { return now - base; }
};

// Stacks whose count grew from base to now, largest growth first.
std::vector<GoroutineGrowth> goroutine_growth(const GoroutineDump& base, const GoroutineDump& now);

}  // namespace ncprof::leak
