#include "ncprof/util/strings.hpp"

#include <charconv>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

namespace ncprof::util {

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorKind::usage,
                fmt::format("invalid duration '{}' (use a number of seconds or 30s, 500ms, 5m, 1h, 7d)", text));
  };
  if (text.empty()) return bad();
  double total_ms = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i) return bad();
    double value = 0;
    try {
      value = std::stod(std::string(text.substr(start, i - start)));
    } catch (...) {
      return bad();
    }
    std::size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(ustart, i - ustart);
    double factor = 0;
    if (unit.empty() || unit == "s") {
      factor = 1000;
    } else if (unit == "ms") {
      factor = 1;
    } else if (unit == "m") {
      factor = 60000;
    } else if (unit == "h") {
      factor = 3600000;
    } else if (unit == "d") {
      factor = 86400000;
    } else {
      return bad();
    }
    if (unit.empty() && (any || i != text.size())) return bad();
    total_ms += value * factor;
    any = true;
  }
  if (total_ms < 0 || total_ms > 1e12) return bad();
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(total_ms)));
}

std::string format_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 != 0) return fmt::format("{:g}s", static_cast<double>(ms) / 1000.0);
  auto s = ms / 1000;
  std::string out;
  if (s >= 3600) {
    out += fmt::format("{}h", s / 3600);
    s %= 3600;
  }
  if (s >= 60) {
    out += fmt::format("{}m", s / 60);
    s %= 60;
  }
  if (s > 0 || out.empty()) out += fmt::format("{}s", s);
  return out;
}

Result<std::uint64_t> parse_size(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorKind::usage, fmt::format("invalid size '{}' (use a number with K, M or G, e.g. 512M)", text));
  };
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr == text.data()) return bad();
  std::string suffix(ptr, text.data() + text.size());
  for (auto& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (suffix.size() > 1 && (suffix.ends_with("IB") || suffix.ends_with("B"))) {
    suffix.erase(suffix.ends_with("IB") ? suffix.size() - 2 : suffix.size() - 1);
  }
  int shift = 0;
  if (suffix.empty() || suffix == "B") {
    shift = 0;
  } else if (suffix == "K") {
    shift = 10;
  } else if (suffix == "M") {
    shift = 20;
  } else if (suffix == "G") {
    shift = 30;
  } else if (suffix == "T") {
    shift = 40;
  } else {
    return bad();
  }
  constexpr std::uint64_t kMax = std::uint64_t{1} << 62;
  if (n > (kMax >> shift)) {
    return fail(ErrorKind::usage, fmt::format("size '{}' is too large (at most 4E, i.e. 2^62 bytes)", text));
  }
  return n << shift;
}

Result<double> parse_rate(std::string_view text, bool sizes) {
  auto bad = [&] {
    return fail(ErrorKind::usage, fmt::format("invalid rate '{}' (use VALUE/s, VALUE/min or VALUE/h, e.g. {})", text,
                                              sizes ? "32M/h" : "60/h"));
  };
  const auto slash = text.find('/');
  const std::string_view value = text.substr(0, slash);
  const std::string_view per = slash == std::string_view::npos ? "s" : text.substr(slash + 1);
  double seconds = 0;
  if (per == "s" || per == "sec") {
    seconds = 1;
  } else if (per == "m" || per == "min") {
    seconds = 60;
  } else if (per == "h" || per == "hour") {
    seconds = 3600;
  } else {
    return bad();
  }
  double v = 0;
  if (sizes && !value.empty() && std::isalpha(static_cast<unsigned char>(value.back()))) {
    auto n = parse_size(value);
    if (!n) return bad();
    v = static_cast<double>(*n);
  } else {
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || ptr != value.data() + value.size() || !std::isfinite(v)) return bad();
  }
  if (v < 0) return fail(ErrorKind::usage, fmt::format("rate '{}' must not be negative", text));
  return v / seconds;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

std::string file_name_part(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 100)) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || out.find_first_not_of('.') == std::string::npos) out.insert(0, "_");
  return out;
}

std::string human_bytes(std::uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  double v = static_cast<double>(n);
  const char* units[] = {"kB", "MB", "GB", "TB"};
  int u = -1;
  while (v >= 1024 && u < 3) {
    v /= 1024;
    ++u;
  }
  return fmt::format("{:.1f} {}", v, units[u]);
}

namespace {
std::tm local_tm(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  return tm;
}
}  // namespace

std::string timestamp_for_file(std::chrono::system_clock::time_point t) {
  std::tm tm = local_tm(t);
  return fmt::format("{:04}{:02}{:02}_{:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::string date_for_file(std::chrono::system_clock::time_point t) {
  std::tm tm = local_tm(t);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string timestamp_for_humans(std::chrono::system_clock::time_point t) {
  std::tm tm = local_tm(t);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = nl + 1;
  }
  return lines;
}

Result<std::string> expand_env(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    // Only ${NAME}: a lone '$' is part of the value (secrets contain them).
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    // Never quote the text: it is a secret.
    if (close == std::string::npos) return fail(ErrorKind::bad_input, "unterminated ${ (write ${NAME})");
    const std::string name = text.substr(i + 2, close - i - 2);
    const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    if (!valid) return fail(ErrorKind::bad_input, "invalid ${...}: a variable name has letters, digits and _");
    const char* value = std::getenv(name.c_str());
    if (!value) return fail(ErrorKind::bad_input, fmt::format("environment variable {} is not set", name));
    out += value;
    i = close + 1;
  }
  return out;
}

std::string line_excerpt(std::string_view line) {
  std::string s(line.substr(0, 60));
  for (auto& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return line.size() > 60 ? s + "..." : s;
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (;;) {
    const auto comma = text.find(',', from);
    std::string_view item = text.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from);
    const auto b = item.find_first_not_of(" \t");
    if (b != std::string_view::npos) out.emplace_back(item.substr(b, item.find_last_not_of(" \t") - b + 1));
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  return out;
}

std::string query_escape(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace ncprof::util
