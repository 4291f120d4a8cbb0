#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ncprof/util/error.hpp"

namespace ncprof::util {

// "30" (seconds), "30s", "1.5s", "500ms", "5m", "1h" -> milliseconds.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// "1G", "512M", "64KB", "1048576" -> bytes (K/M/G/T are powers of 1024;
// "KB", "KiB" and "k" are accepted too). Refuses values past 2^62.
Result<std::uint64_t> parse_size(std::string_view text);

// A rate "VALUE[/s|/min|/m|/h]" -> units per second; a bare value is per
// second. With `sizes`, VALUE may carry a size suffix ("32M/h", "10K/s").
Result<double> parse_rate(std::string_view text, bool sizes);

// "30s", "5m", "1h30m", "1.5s".
std::string format_duration(std::chrono::milliseconds d);

// "12.3 kB", "4.0 MB": sizes for humans (powers of 1024).
std::string human_bytes(std::uint64_t n);

// Local time as YYYYmmdd_HHMMSS (file names) and YYYY-mm-dd.
std::string timestamp_for_file(std::chrono::system_clock::time_point t);
std::string date_for_file(std::chrono::system_clock::time_point t);
// Local time for people: YYYY-mm-dd HH:MM:SS.
std::string timestamp_for_humans(std::chrono::system_clock::time_point t);

// Text from a server or a file, safe for a terminal: control characters
// (escape sequences, carriage returns, newlines) written as \xNN.
std::string printable(std::string_view text);

// A name made safe as one part of a file name: only letters, digits, '.',
// '-' and '_' (others become '_'), never "", "." or "..", so a service
// called "../../x" cannot write outside its directory.
// The start of a line for an error message: at most 60 bytes, control
// characters as spaces, "..." when cut.
std::string line_excerpt(std::string_view line);

std::string file_name_part(std::string_view name);

// Lines without their "\n" (and a "\r" before it); no empty last line.
std::vector<std::string_view> split_lines(std::string_view text);

// "heap, goroutine,,cpu" -> {"heap", "goroutine", "cpu"}: items trimmed of
// spaces and tabs; empty items are skipped.
std::vector<std::string> split_commas(std::string_view text);

// Percent-encoding for a URL's query: letters, digits and "-_.~" stay.
std::string query_escape(std::string_view text);

// Replaces ${VAR} with the environment's value (a lone '$' stays as it
// is); a missing variable is an error naming it, never quoting the text.
Result<std::string> expand_env(const std::string& text);

}  // namespace ncprof::util
