#include "cli.hpp"

#include <charconv>
#include <cstdio>

#include <fmt/format.h>

namespace ncprof::app {

int exit_code_for(const Error& e) {
  switch (e.kind) {
    case ErrorKind::network:
    case ErrorKind::timeout:
      return kExitTargets;
    case ErrorKind::internal:
    case ErrorKind::usage:
    case ErrorKind::bad_input:
    case ErrorKind::io:
      return kExitUsage;
  }
  return kExitUsage;
}

int report_error(const Error& e) {
  std::string msg = e.message;
  for (auto& c : msg) {
    if (c == '\n') c = ' ';
  }
  fmt::print(stderr, "ncprof: error: {}\n", msg);
  return exit_code_for(e);
}

void warn(const std::string& message) { fmt::print(stderr, "ncprof: warning: {}\n", message); }

Result<std::uint64_t> parse_size(const std::string& s) {
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || ptr == s.data()) return fail(ErrorKind::usage, fmt::format("invalid size '{}'", s));
  std::string suffix(ptr, s.data() + s.size());
  std::uint64_t mult = 1;
  if (suffix.empty() || suffix == "B") {
    mult = 1;
  } else if (suffix == "K" || suffix == "KiB" || suffix == "k") {
    mult = 1ull << 10;
  } else if (suffix == "M" || suffix == "MiB") {
    mult = 1ull << 20;
  } else if (suffix == "G" || suffix == "GiB") {
    mult = 1ull << 30;
  } else {
    return fail(ErrorKind::usage, fmt::format("invalid size '{}' (use a number with K, M or G)", s));
  }
  return n * mult;
}

CLI::Validator format_choice(std::initializer_list<std::string> formats) {
  std::vector<std::string> allowed(formats);
  std::string names;
  for (const auto& f : allowed) names += (names.empty() ? "" : "|") + f;
  return CLI::Validator(
      [allowed](std::string& v) -> std::string {
        for (const auto& f : allowed) {
          if (v == f) return {};
        }
        std::string list;
        for (const auto& f : allowed) list += (list.empty() ? "" : ", ") + f;
        return "unknown format '" + v + "' (use " + list + ")";
      },
      names);
}

}  // namespace ncprof::app
