#include "ncprof/profile/legacy_text.hpp"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "ncprof/util/strings.hpp"

#include "ncprof/util/arith.hpp"

namespace ncprof::profile {

namespace {

enum class Form { none, heap, count, contention };

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool blank_or_comment(std::string_view line) {
  line = trim(line);
  return line.empty() || line.front() == '#';
}

// Decimal int64, optionally signed, the whole of s.
bool parse_int(std::string_view s, std::int64_t& v) {
  if (!s.empty() && s.front() == '+') return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// strconv.ParseInt(s, 0, 64): decimal, or hex with 0x.
bool parse_int_base0(std::string_view s, std::int64_t& v) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    std::uint64_t u = 0;
    auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), u, 16);
    if (ec != std::errc() || end != s.data() + s.size() || u > static_cast<std::uint64_t>(INT64_MAX)) return false;
    v = static_cast<std::int64_t>(u);
    return true;
  }
  return parse_int(s, v);
}

bool parse_hex(std::string_view s, std::uint64_t& v) {
  if (s.size() < 3 || s[0] != '0' || s[1] != 'x') return false;
  auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), v, 16);
  return ec == std::errc() && end == s.data() + s.size();
}

// " 0x1 0x2 ...": the addresses of a stack, leaf first.
bool parse_addresses(std::string_view s, std::vector<std::uint64_t>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i == s.size()) break;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    std::uint64_t a = 0;
    if (!parse_hex(s.substr(i, j - i), a)) return false;
    out.push_back(a);
    i = j;
  }
  return true;
}

// Splits "A @ B" at the '@'.
bool split_at(std::string_view line, std::string_view& values, std::string_view& addrs) {
  const auto at = line.find('@');
  if (at == std::string_view::npos) return false;
  values = trim(line.substr(0, at));
  addrs = line.substr(at + 1);
  return true;
}

// A Go %q string at s[i] ('"'), unquoted; i moves past it.
bool unquote(std::string_view s, std::size_t& i, std::string& out) {
  if (i >= s.size() || s[i] != '"') return false;
  out.clear();
  for (++i; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') {
      ++i;
      return true;
    }
    if (c == '\\' && i + 1 < s.size()) {
      c = s[++i];
      switch (c) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        default: out += c; break;  // \" \\ and the rest as written
      }
      continue;
    }
    out += c;
  }
  return false;
}

// `# labels: {"k":"v", "k2":"v2"}` (goroutine profiles with pprof labels).
bool parse_labels(std::string_view text, std::vector<Label>& out) {
  text = trim(text);
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return false;
  text = text.substr(1, text.size() - 2);
  std::size_t i = 0;
  while (true) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    if (i == text.size()) return true;
    Label l;
    if (!unquote(text, i, l.key) || i >= text.size() || text[i] != ':') return false;
    ++i;
    if (!unquote(text, i, l.str)) return false;
    out.push_back(std::move(l));
  }
}

// One "#\t0xPC\tname+0xOFF\tfile:line" line of a stack.
struct Frame {
  std::uint64_t pc = 0;
  std::string name, file;
  std::int64_t line = 0;
};

bool parse_frame(std::string_view line, Frame& f) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    std::size_t j = line.find('\t', i);
    if (j == std::string_view::npos) j = line.size();
    if (j > i) fields.push_back(line.substr(i, j - i));
    i = j + 1;
  }
  if (fields.size() < 3 || fields[0] != "#" || !parse_hex(trim(fields[1]), f.pc)) return false;
  std::string_view name = trim(fields[2]);
  if (auto plus = name.rfind("+0x"); plus != std::string_view::npos) name = name.substr(0, plus);
  f.name = std::string(name);
  if (fields.size() > 3) {
    std::string_view where = trim(fields[3]);
    const auto colon = where.rfind(':');
    if (colon != std::string_view::npos && parse_int(where.substr(colon + 1), f.line)) {
      f.file = std::string(where.substr(0, colon));
    } else {
      f.file = std::string(where);
    }
  }
  return !f.name.empty();
}

class Builder {
 public:
  explicit Builder(Profile& p) : p_(p) {}

  // addrs as printed (return addresses, leaf first): pprof moves each back
  // by one, onto the call; frames name those call addresses.
  void add(const std::vector<std::uint64_t>& addrs, const std::vector<Frame>& frames, std::vector<std::int64_t> values,
           std::vector<Label> labels) {
    Sample s;
    s.location_ids.reserve(addrs.size());
    for (std::uint64_t a : addrs) {
      const std::uint64_t addr = a - 1;
      auto [it, inserted] = locs_.try_emplace(addr, 0);
      if (inserted) {
        Location l;
        l.id = static_cast<LocationRef>(p_.locations.size() + 1);
        l.address = addr;
        it->second = p_.locations.size();
        p_.locations.push_back(std::move(l));
      }
      Location& l = p_.locations[it->second];
      if (l.lines.empty()) {
        for (const auto& f : frames) {
          if (f.pc == addr) l.lines.push_back(Line{function_id(f), f.line, 0});
        }
      }
      s.location_ids.push_back(static_cast<LocationRef>(l.id));
    }
    s.values = std::move(values);
    s.labels = Labels(std::move(labels));
    p_.samples.push_back(std::move(s));
  }

 private:
  std::uint64_t function_id(const Frame& f) {
    auto [it, inserted] = funcs_.try_emplace(f.name + '\x1f' + f.file, p_.functions.size() + 1);
    if (inserted) p_.functions.push_back(Function{it->second, f.name, f.name, f.file, 0});
    return it->second;
  }

  Profile& p_;
  std::unordered_map<std::uint64_t, std::size_t> locs_;  // call address -> index in locations
  std::unordered_map<std::string, std::uint64_t> funcs_;
};

// pprof's scaleHeapSample: a sampled heap record's estimated true count
// and size, given the sampling rate.
std::pair<std::int64_t, std::int64_t> scale_heap(std::int64_t count, std::int64_t size, std::int64_t rate) {
  if (count == 0 || size == 0) return {0, 0};
  if (rate <= 1) return {count, size};
  const double avg = static_cast<double>(size) / static_cast<double>(count);
  const double scale = 1 / (1 - std::exp(-avg / static_cast<double>(rate)));
  return {util::go_float_to_int64(static_cast<double>(count) * scale),
          util::go_float_to_int64(static_cast<double>(size) * scale)};
}

std::int64_t wrap_mul(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
}

// What a form knows from its header and attribute lines.
struct Header {
  Form form = Form::none;
  std::string type;  // count form: "goroutine", "threadcreate"
  // heap: the pair before [..] differs from the one inside (allocs too)
  bool has_alloc = false;
  bool v2 = false;  // heap: scale by the sampling rate
  std::int64_t period = 1;
  std::int64_t cpu_hz = 0;
};

// "heap profile: 1: 2 [3: 4] @ heap/1048576"
bool parse_heap_header(std::string_view line, Header& h) {
  constexpr std::string_view prefix = "heap profile:";
  if (line.substr(0, prefix.size()) != prefix) return false;
  std::string_view values, rest;
  if (!split_at(line.substr(prefix.size()), values, rest)) return false;
  // values: "a: b [c: d]"
  std::string nums[4];
  std::size_t k = 0;
  for (char c : values) {
    if (c >= '0' && c <= '9') {
      if (k < 4) nums[k] += c;
    } else if ((c == ':' || c == '[' || c == ']') && k < 4 && !nums[k].empty()) {
      ++k;
    }
  }
  if (k < 3 || nums[3].empty()) return false;
  h.form = Form::heap;
  h.has_alloc = (nums[2] != nums[0] && nums[2] != "0") || (nums[3] != nums[1] && nums[3] != "0");
  rest = trim(rest);
  const auto slash = rest.find('/');
  const std::string_view kind = rest.substr(0, slash);
  std::int64_t period = 0;
  if (slash != std::string_view::npos && !rest.substr(slash + 1).empty() && !parse_int(rest.substr(slash + 1), period)) {
    return false;
  }
  if (kind == "heapz_v2" || kind == "heap_v2") {
    h.v2 = true;
    h.period = period;
  } else if (kind == "heapprofile") {
    h.period = 1;
  } else if (kind == "heap") {
    h.v2 = true;
    h.period = period / 2;  // Go writes twice MemProfileRate
  } else {
    return false;
  }
  return true;
}

// "goroutine profile: total 23"
bool parse_count_header(std::string_view line, Header& h) {
  const auto sp = line.find(" profile: total ");
  if (sp == std::string_view::npos || sp == 0) return false;
  std::int64_t total = 0;
  if (!parse_int(line.substr(sp + 16), total)) return false;
  const std::string_view type = line.substr(0, sp);
  if (type.find_first_of(" \t") != std::string_view::npos) return false;
  h.form = Form::count;
  h.type = std::string(type);
  return true;
}

Header detect(std::string_view line) {
  Header h;
  line = trim(line);
  if (parse_heap_header(line, h) || parse_count_header(line, h)) return h;
  if (line.starts_with("--- contention:") || line.starts_with("--- mutex:")) h.form = Form::contention;
  return h;
}

// The first line that is not blank or a comment, and its number.
std::string_view first_line(std::string_view text, std::size_t& lineno, std::size_t& next) {
  std::size_t start = 0;
  lineno = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(start, nl - start);
    ++lineno;
    start = nl + 1;
    if (!blank_or_comment(line)) {
      next = start;
      return line;
    }
  }
  next = text.size();
  return {};
}

}  // namespace

bool looks_legacy_text(std::string_view text) {
  std::size_t lineno = 0, next = 0;
  return detect(first_line(text, lineno, next)).form != Form::none;
}

Result<Profile> parse_legacy_text(std::string_view text, const std::string& source) {
  std::size_t lineno = 0, start = 0;
  Header h = detect(first_line(text, lineno, start));
  if (h.form == Form::none) return fail(ErrorKind::bad_input, fmt::format("{}: not a debug=1 profile text", source));
  auto bad = [&](std::string_view line, const char* what) {
    return fail(ErrorKind::bad_input, fmt::format("{}:{}: {}: \"{}\"", source, lineno, what, util::line_excerpt(line)));
  };

  Profile p;
  std::string form_name;
  switch (h.form) {
    case Form::heap:
      form_name = "a heap profile";
      p.period_type = {"space", "bytes"};
      p.period = h.period;
      if (h.has_alloc) {
        // alloc first, so that the default (the last) is inuse_space.
        p.sample_types = {{"alloc_objects", "count"}, {"alloc_space", "bytes"}, {"inuse_objects", "count"},
                          {"inuse_space", "bytes"}};
      } else {
        p.sample_types = {{"objects", "count"}, {"space", "bytes"}};
      }
      break;
    case Form::count:
      form_name = fmt::format("a {} profile", h.type);
      p.period_type = {h.type, "count"};
      p.period = 1;
      p.sample_types = {{h.type, "count"}};
      break;
    case Form::contention:
      form_name = "a contention profile";
      p.period_type = {"contentions", "count"};
      p.period = 1;
      p.sample_types = {{"contentions", "count"}, {"delay", "nanoseconds"}};
      break;
    case Form::none: break;
  }

  // Contention profiles: "key=value" lines before the samples.
  bool in_attributes = h.form == Form::contention;

  Builder build(p);
  std::vector<std::uint64_t> addrs;
  std::vector<Frame> frames;
  std::vector<std::int64_t> values;
  std::vector<Label> labels;
  bool pending = false;
  auto flush = [&] {
    if (pending) build.add(addrs, frames, std::move(values), std::move(labels));
    pending = false;
    frames.clear();
    values.clear();
    labels.clear();
  };

  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view raw = text.substr(start, nl - start);
    start = nl + 1;
    ++lineno;
    const std::string_view line = trim(raw);
    if (line.empty()) continue;
    if (line.front() == '#') {
      // A stack's frames, or a goroutine's labels; other comments (the
      // heap profile's MemStats) say nothing about the samples.
      if (!pending) continue;
      if (line.starts_with("# labels:")) {
        if (!parse_labels(line.substr(9), labels)) return bad(raw, "labels that are not {\"key\":\"value\", ...}");
        continue;
      }
      Frame f;
      if (parse_frame(raw, f)) frames.push_back(std::move(f));
      continue;
    }
    // The memory map, or the next section: the samples end.
    if (line.starts_with("---") || line.starts_with("MAPPED_LIBRARIES")) break;
    if (in_attributes) {
      const auto eq = line.find('=');
      if (eq != std::string_view::npos && line.find('@') == std::string_view::npos) {
        const std::string_view key = trim(line.substr(0, eq)), val = trim(line.substr(eq + 1));
        std::int64_t v = 0;
        if (key == "discarded samples") continue;
        if (!parse_int_base0(val, v)) return bad(raw, "an attribute that is not a number");
        if (key == "cycles/second") {
          h.cpu_hz = v;
        } else if (key == "sampling period") {
          h.period = v;
          p.period = v;
        } else if (key == "ms since reset") {
          p.duration_nanos = wrap_mul(v, 1000 * 1000);
        } else {
          return bad(raw, "an attribute of no contention profile");
        }
        continue;
      }
      in_attributes = false;
    }

    // A sample line: "values @ addresses".
    flush();
    std::string_view vals, at;
    if (!split_at(line, vals, at) || !parse_addresses(at, addrs)) return bad(raw, "not a sample line (\"... @ 0x... 0x...\")");
    switch (h.form) {
      case Form::heap: {
        // "inuse_count: inuse_bytes [alloc_count: alloc_bytes]"
        const auto open = vals.find('['), close = vals.rfind(']');
        if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
          return bad(raw, "not a heap sample line (\"N: B [N: B] @ ...\")");
        }
        auto pair = [](std::string_view s, std::int64_t& count, std::int64_t& bytes) {
          const auto colon = s.find(':');
          return colon != std::string_view::npos && parse_int(trim(s.substr(0, colon)), count) &&
                 parse_int(trim(s.substr(colon + 1)), bytes);
        };
        std::int64_t in_n = 0, in_b = 0, al_n = 0, al_b = 0;
        if (!pair(vals.substr(0, open), in_n, in_b) || !pair(vals.substr(open + 1, close - open - 1), al_n, al_b)) {
          return bad(raw, "not a heap sample line (\"N: B [N: B] @ ...\")");
        }
        std::int64_t blocksize = 0;
        auto add_values = [&](std::int64_t count, std::int64_t size) {
          if (count == 0 && size != 0) return false;
          if (count != 0) {
            blocksize = util::wrap_div(size, count);
            if (h.v2) std::tie(count, size) = scale_heap(count, size, h.period);
          }
          values.push_back(count);
          values.push_back(size);
          return true;
        };
        if (h.has_alloc && !add_values(al_n, al_b)) return bad(raw, "allocation count was 0 but its bytes were not");
        if (!add_values(in_n, in_b)) return bad(raw, "inuse count was 0 but its bytes were not");
        labels.push_back(Label{"bytes", "", blocksize, ""});
        break;
      }
      case Form::count: {
        std::int64_t n = 0;
        if (!parse_int(vals, n)) return bad(raw, "not a count line (\"N @ 0x...\")");
        values.push_back(n);
        break;
      }
      case Form::contention: {
        // "cycles count"
        const auto sp = vals.find_first_of(" \t");
        std::int64_t cycles = 0, count = 0;
        if (sp == std::string_view::npos || !parse_int(vals.substr(0, sp), cycles) ||
            !parse_int(trim(vals.substr(sp + 1)), count) || cycles < 0 || count < 0) {
          return bad(raw, "not a contention line (\"cycles count @ 0x...\")");
        }
        if (h.period > 0) {
          if (h.cpu_hz > 0) {
            const double ghz = static_cast<double>(h.cpu_hz) / 1e9;
            cycles = util::go_float_to_int64(static_cast<double>(cycles) * static_cast<double>(h.period) / ghz);
          }
          count = wrap_mul(count, h.period);
        }
        values = {count, cycles};
        break;
      }
      case Form::none: break;
    }
    pending = true;
  }
  flush();
  p.comments = {fmt::format("Read from the debug=1 text of {} (names and lines from its # lines)", form_name)};
  return p;
}

}  // namespace ncprof::profile
