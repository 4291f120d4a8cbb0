#pragma once
// What every subcommand shares: exit codes, registration, error printing.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "ncprof/util/error.hpp"

namespace ncprof::app {

// Exit codes, the same for every command (product.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFinding = 1;   // leak, regression, growth over the limit
inline constexpr int kExitUsage = 2;     // usage or bad input
inline constexpr int kExitTargets = 3;   // targets unreachable or gave no profile
inline constexpr int kExitInternal = 4;  // a bug: input must never get here
inline constexpr int kExitInterrupted = 130;

// The subcommand CLI11 selected sets `run`; main calls it once.
struct Dispatch {
  std::function<int()> run;
};

struct GlobalOptions {
  std::string max_decompressed = "1G";
  bool verbose = false;
  bool quiet = false;
};

using Registrar = void (*)(CLI::App&, Dispatch&, const GlobalOptions&);

int exit_code_for(const Error& e);
// Prints "ncprof: error: MESSAGE" on stderr and returns the exit code.
int report_error(const Error& e);
// A bad option or argument: the message, and exit 2.
int report_usage(std::string message);
// text on stdout, or written whole to `out` when given; the exit code.
int print_or_write(const std::string& text, const std::string& out);
void warn(const std::string& message);
// "ncprof: error: TARGET: MESSAGE" for one target of many (the run goes on).
void report_target_error(const std::string& target, const std::string& message);

// A whole number at least `min`, with the range said in words.
CLI::Validator at_least(long long min);

// The nearest of `candidates` to `word`, when it is close enough to be a
// likely typo ("captrue" -> "capture"); empty otherwise.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

// JSON text for --format json. Names from profiles, dumps and benchmark
// files may not be valid UTF-8: they are replaced (U+FFFD), so the output
// is always valid JSON. indent < 0: one line.
std::string json_text(const nlohmann::json& doc, int indent = 2);

// Valid --format values for a command.
CLI::Validator format_choice(std::initializer_list<std::string> formats);

}  // namespace ncprof::app
