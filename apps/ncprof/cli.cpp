#include "cli.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>

#include <fmt/format.h>

#include "log.hpp"
#include "ncprof/util/files.hpp"
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
  // Messages can quote what a server or a file said: never raw control
  // characters on the terminal.
  fmt::print(stderr, "ncprof: error: {}\n", util::printable(msg));
  return exit_code_for(e);
}

int report_usage(std::string message) { return report_error(Error{ErrorKind::usage, std::move(message)}); }

void report_target_error(const std::string& target, const std::string& message) {
  fmt::print(stderr, "ncprof: error: {}: {}\n", util::printable(target), util::printable(message));
}

void warn(const std::string& message) {
  if (!quiet()) fmt::print(stderr, "ncprof: warning: {}\n", util::printable(message));
}

CLI::Validator at_least(long long min) {
  return CLI::Validator(
      [min](std::string& v) -> std::string {
        long long n = 0;
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || ptr != v.data() + v.size()) return fmt::format("'{}' is not a whole number", v);
        if (n < min) return fmt::format("must be {} or more (got {})", min, v);
        return {};
      },
      "");
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  };
  // The start of a name first ("cap" -> "capture"), then a couple of edits.
  if (word.size() >= 3) {
    for (const auto& c : candidates) {
      if (c.rfind(word, 0) == 0) return c;
    }
  }
  std::string best;
  std::size_t best_d = SIZE_MAX;
  for (const auto& c : candidates) {
    const std::size_t d = distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  if (best_d <= std::max<std::size_t>(2, word.size() / 3)) return best;
  return {};
}

std::string json_text(const nlohmann::json& doc, int indent) {
  return doc.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
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

namespace ncprof::app {

int print_or_write(const std::string& text, const std::string& out) {
  if (out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  if (auto ok = util::write_file_atomic(out, text); !ok) return report_error(ok.error());
  return kExitOk;
}

}  // namespace ncprof::app
