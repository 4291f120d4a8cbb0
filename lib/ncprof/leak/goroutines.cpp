#include "ncprof/leak/goroutines.hpp"

#include <cctype>
#include <cstdint>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "ncprof/profile/codec.hpp"
#include "ncprof/util/gzip.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::leak {

std::string GoroutineGroup::key(bool with_state) const {
  std::string k = with_state ? state + "\n" : "";
  for (const auto& f : frames) k += f + "\n";
  return k;
}

namespace {

// Counts, totals and minutes: whole numbers from 0 to 10^12 (no process
// has more goroutines), so that sums of them cannot overflow.
bool parse_int(std::string_view s, std::int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0 && out <= 1'000'000'000'000;
}

// A sum of counts that stops at INT64_MAX instead of wrapping.
std::int64_t add_counts(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

// "main.work+0xce" -> "main.work"
std::string strip_offset(std::string_view f) {
  auto plus = f.rfind("+0x");
  return std::string(plus == std::string_view::npos ? f : f.substr(0, plus));
}

// "net/http.(*conn).serve(0xc0000b0aa0, {...})" -> "net/http.(*conn).serve"
std::string strip_args(std::string_view line) {
  if (line.empty() || line.back() != ')') return std::string(line);
  int depth = 0;
  for (std::size_t i = line.size(); i-- > 0;) {
    if (line[i] == ')') ++depth;
    if (line[i] == '(' && --depth == 0) return std::string(line.substr(0, i));
  }
  return std::string(line);
}

void finish(GoroutineDump& d, std::map<std::string, std::size_t>& index, GoroutineGroup g) {
  std::string k = g.key(d.has_states());
  auto it = index.find(k);
  if (it == index.end()) {
    index.emplace(k, d.groups.size());
    d.groups.push_back(std::move(g));
  } else {
    auto& have = d.groups[it->second];
    have.count = add_counts(have.count, g.count);
    have.longest_wait_minutes = std::max(have.longest_wait_minutes, g.longest_wait_minutes);
  }
}

void sort_groups(GoroutineDump& d) {
  std::stable_sort(d.groups.begin(), d.groups.end(),
                   [](const GoroutineGroup& a, const GoroutineGroup& b) { return a.count > b.count; });
  d.total = 0;
  for (const auto& g : d.groups) d.total = add_counts(d.total, g.count);
}

Result<GoroutineDump> parse_debug1(const std::vector<std::string_view>& lines, const std::string& source) {
  GoroutineDump d;
  d.format = "debug=1";
  std::map<std::string, std::size_t> index;
  std::int64_t declared = -1;
  std::optional<GoroutineGroup> cur;
  auto bad = [&](std::size_t i, const std::string& what) {
    return fail(ErrorKind::bad_input, fmt::format("{}:{}: {}", source, i + 1, what));
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (i == 0) {
      constexpr std::string_view head = "goroutine profile: total ";
      if (!parse_int(line.substr(head.size()), declared)) return bad(i, "expected 'goroutine profile: total N'");
      continue;
    }
    if (line.empty()) {
      if (cur) finish(d, index, std::move(*cur));
      cur.reset();
      continue;
    }
    if (line[0] == '#') {
      if (!cur) return bad(i, "a frame outside a stack");
      if (line.rfind("# labels:", 0) == 0) continue;
      // "#\t0xpc\tfunc+0xoff\tfile:line"
      std::vector<std::string_view> fields;
      std::size_t p = 0;
      while (p <= line.size()) {
        std::size_t tab = line.find('\t', p);
        if (tab == std::string_view::npos) tab = line.size();
        if (tab > p) fields.push_back(line.substr(p, tab - p));
        p = tab + 1;
      }
      if (fields.size() < 3) return bad(i, "expected '#\\t0xPC\\tFUNC+0xOFF\\tFILE:LINE'");
      cur->frames.push_back(strip_offset(fields[2]));
      continue;
    }
    // "COUNT @ 0xpc 0xpc ..."
    auto at = line.find(" @");
    std::int64_t count = 0;
    if (at == std::string_view::npos || !parse_int(line.substr(0, at), count)) {
      return bad(i, fmt::format("expected 'COUNT @ 0xPC ...', got \"{}\"", line.substr(0, 60)));
    }
    if (cur) finish(d, index, std::move(*cur));
    cur = GoroutineGroup{};
    cur->count = count;
  }
  if (cur) finish(d, index, std::move(*cur));
  sort_groups(d);
  if (declared >= 0 && d.total != declared) {
    return fail(ErrorKind::bad_input,
                fmt::format("{}: the stacks add up to {} goroutines, the header says {} (truncated?)", source, d.total,
                            declared));
  }
  return d;
}

Result<GoroutineDump> parse_debug2(const std::vector<std::string_view>& lines, const std::string& source) {
  GoroutineDump d;
  d.format = "debug=2";
  std::map<std::string, std::size_t> index;
  std::optional<GoroutineGroup> cur;
  auto bad = [&](std::size_t i, const std::string& what) {
    return fail(ErrorKind::bad_input, fmt::format("{}:{}: {}", source, i + 1, what));
  };
  bool expect_file = false;
  bool in_created = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.empty()) {
      if (cur) finish(d, index, std::move(*cur));
      cur.reset();
      expect_file = false;
      continue;
    }
    if (line.rfind("goroutine ", 0) == 0 && line.back() == ':') {
      // "goroutine 19 [chan receive, 5 minutes]:"
      auto open = line.find('[');
      auto close = line.rfind(']');
      if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
        return bad(i, "expected 'goroutine N [state]:'");
      }
      if (cur) finish(d, index, std::move(*cur));
      cur = GoroutineGroup{};
      cur->count = 1;
      std::string_view inner = line.substr(open + 1, close - open - 1);
      std::string state;
      std::size_t p = 0;
      while (p <= inner.size()) {
        std::size_t comma = inner.find(", ", p);
        if (comma == std::string_view::npos) comma = inner.size();
        std::string_view part = inner.substr(p, comma - p);
        std::int64_t minutes = 0;
        auto sp = part.find(' ');
        if (sp != std::string_view::npos && (part.substr(sp + 1) == "minutes" || part.substr(sp + 1) == "minute") &&
            parse_int(part.substr(0, sp), minutes)) {
          cur->longest_wait_minutes = minutes;
        } else {
          state += (state.empty() ? "" : ", ") + std::string(part);
        }
        p = comma + 2;
      }
      cur->state = state;
      expect_file = false;
      in_created = false;
      continue;
    }
    if (!cur) return bad(i, fmt::format("expected 'goroutine N [state]:', got \"{}\"", line.substr(0, 60)));
    if (line[0] == '\t') {
      if (!expect_file) return bad(i, "a file line without a function line");
      expect_file = false;
      continue;
    }
    if (line.rfind("created by ", 0) == 0) {
      std::string_view who = line.substr(11);
      auto in = who.find(" in goroutine ");
      cur->created_by = std::string(who.substr(0, in));
      expect_file = true;
      in_created = true;
      continue;
    }
    if (line.rfind("...additional frames elided...", 0) == 0) continue;
    if (in_created) return bad(i, "frames after 'created by'");
    cur->frames.push_back(strip_args(line));
    expect_file = true;
  }
  if (cur) finish(d, index, std::move(*cur));
  sort_groups(d);
  if (d.groups.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: no goroutines in the dump", source));
  return d;
}

}  // namespace

Result<GoroutineDump> goroutines_from_profile(const profile::Profile& prof, const std::string& source) {
  const profile::Profile* p = &prof;
  if (p->sample_types.empty() || p->sample_types[0].type != "goroutine") {
    return fail(ErrorKind::bad_input, fmt::format("{}: not a goroutine profile (sample types: {})", source,
                                                  profile::sample_type_names(*p)));
  }
  GoroutineDump d;
  d.format = "protobuf";
  std::map<std::string, std::size_t> index;
  profile::IdIndex locs(p->locations), funcs(p->functions);
  for (const auto& s : p->samples) {
    GoroutineGroup g;
    g.count = s.values[0];
    for (auto id : s.location_ids) {
      const auto& loc = p->locations[locs.find(id)];
      for (const auto& ln : loc.lines) g.frames.push_back(p->functions[funcs.find(ln.function_id)].name);
      if (loc.lines.empty()) g.frames.push_back(fmt::format("0x{:x}", loc.address));
    }
    finish(d, index, std::move(g));
  }
  sort_groups(d);
  return d;
}

namespace {

Result<GoroutineDump> from_profile(std::string_view data, const std::string& source) {
  auto p = profile::decode_profile(data, source);
  if (!p) return tl::unexpected(p.error());
  return goroutines_from_profile(*p, source);
}

}  // namespace

Result<GoroutineDump> parse_goroutines(std::string_view data, const std::string& source) {
  if (data.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: empty goroutine dump", source));
  if (util::is_gzip(data)) return from_profile(data, source);
  auto lines = util::split_lines(data);
  if (data.rfind("goroutine profile: total ", 0) == 0) return parse_debug1(lines, source);
  if (data.rfind("goroutine ", 0) == 0) return parse_debug2(lines, source);
  auto as_profile = from_profile(data, source);
  if (as_profile) return as_profile;
  return fail(ErrorKind::bad_input,
              fmt::format("{}: not a goroutine dump (expected a profile, ?debug=1 or ?debug=2 text)", source));
}

namespace {

// The frames every form shows. The protobuf keeps the runtime's own frames
// (runtime.gopark, runtime.chanrecv1, runtime.goexit); debug=1 drops the
// runtime frames at the leaf end and runtime.goexit, and debug=2 (a
// traceback) drops every unexported runtime frame. Across forms, stacks are
// compared by what is left after dropping both.
std::vector<std::string> common_frames(const std::vector<std::string>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames) {
    const bool runtime = f.rfind("runtime.", 0) == 0;
    const bool unexported = runtime && f.size() > 8 && !std::isupper(static_cast<unsigned char>(f[8]));
    if (runtime && (out.empty() || unexported)) continue;
    out.push_back(f);
  }
  return out;
}

}  // namespace

std::vector<GoroutineGrowth> goroutine_growth(const GoroutineDump& base, const GoroutineDump& now) {
  const bool states = base.has_states() && now.has_states();
  const bool same_form = base.format == now.format;
  auto key = [&](const GoroutineGroup& g) {
    if (same_form) return g.key(states);
    GoroutineGroup common = g;
    common.frames = common_frames(g.frames);
    return common.key(states);
  };
  std::map<std::string, std::int64_t> before;
  for (const auto& g : base.groups) before[key(g)] = add_counts(before[key(g)], g.count);
  std::map<std::string, GoroutineGrowth> merged;
  for (const auto& g : now.groups) {
    auto& m = merged[key(g)];
    if (m.now == 0) {
      m.group = g;
      if (!same_form) m.group.frames = common_frames(g.frames);
    }
    m.now = add_counts(m.now, g.count);
    m.group.longest_wait_minutes = std::max(m.group.longest_wait_minutes, g.longest_wait_minutes);
  }
  std::vector<GoroutineGrowth> out;
  for (auto& [k, m] : merged) {
    m.base = before.count(k) ? before[k] : 0;
    // Across forms, a stack of runtime frames only has nothing both forms
    // show: it cannot be compared, and an empty row says nothing.
    if (!same_form && m.group.frames.empty()) continue;
    if (m.growth() > 0) out.push_back(m);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const GoroutineGrowth& a, const GoroutineGrowth& b) { return a.growth() > b.growth(); });
  return out;
}

}  // namespace ncprof::leak
