#include "cli.hpp"

#include <charconv>
#include <cstdio>

#include <fmt/format.h>

#include "ncprof/util/strings.hpp"

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

Result<std::uint64_t> parse_size(const std::string& s) { return util::parse_size(s); }

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
