#include "ncprof/util/strings.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

namespace ncprof::util {

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorKind::usage,
                fmt::format("invalid duration '{}' (use a number of seconds or 30s, 500ms, 5m, 1h)", text));
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
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i++];
      continue;
    }
    std::string name;
    std::size_t j = i + 1;
    if (text[j] == '{') {
      std::size_t close = text.find('}', j);
      if (close == std::string::npos) return fail(ErrorKind::bad_input, "unterminated ${ in '" + text + "'");
      name = text.substr(j + 1, close - j - 1);
      j = close + 1;
    } else {
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
      name = text.substr(i + 1, j - i - 1);
    }
    if (name.empty()) {
      out += text[i++];
      continue;
    }
    const char* value = std::getenv(name.c_str());
    if (!value) return fail(ErrorKind::bad_input, fmt::format("environment variable {} is not set", name));
    out += value;
    i = j;
  }
  return out;
}

}  // namespace ncprof::util
