#pragma once
// The Go benchmark format: configuration lines ("key: value"), result
// lines ("BenchmarkName-8  N  V unit [V unit ...]", -count repeats), and
// "Unit <unit> key=value" metadata. Units are tidied as benchstat does
// (ns -> sec, MB -> B).
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ncprof/util/error.hpp"

namespace ncprof::bench {

struct BenchValue {
  double value = 0;
  std::string unit;       // tidied: "sec/op", "B/op", "B/s", ...
  std::string orig_unit;  // as written, when tidying changed it ("ns/op")
};

struct BenchResult {
  std::string file;  // the file label (.file)
  // The configuration in effect: the first config_end entries of
  // BenchData::config_log (shared, never copied into each result: a file of
  // many keys and many results stays linear). BenchData::config_of reads it.
  std::size_t config_end = 0;
  std::string fullname;  // name without "Benchmark": "Encode/format=json-8"
  std::string name;      // base name: "Encode"
  long long iterations = 0;
  std::vector<BenchValue> values;
  int line = 0;
};

struct SyntaxError {
  std::string file;
  int line = 0;
  std::string message;
  std::string text() const;  // "file:line: message"
};

// One configuration line that changed a value, in reading order; a reset
// starts each file.
struct ConfigEntry {
  bool reset = false;
  std::string key, value;
};

// At most this many distinct configuration keys per file; more are
// reported and ignored (real files have a handful).
inline constexpr std::size_t kMaxConfigKeys = 256;

struct BenchData {
  std::vector<BenchResult> results;
  std::vector<ConfigEntry> config_log;
  std::vector<SyntaxError> errors;
  std::map<std::string, std::map<std::string, std::string>> unit_metadata;  // unit -> key -> value
  bool exact(const std::string& unit) const;
  // A result's configuration, keys in the order they were first set.
  std::vector<std::pair<std::string, std::string>> config_of(const BenchResult& r) const;
};

// Tidies a unit: "ns/op" -> ("sec/op", 1e-9), "MB/s" -> ("B/s", 1e6).
std::pair<std::string, double> tidy_unit(const std::string& unit);

// True when unit has bytes in its numerator (binary prefixes).
bool binary_unit(const std::string& unit);

// Parses one file's text into data; `label` is its .file value.
void parse_bench(std::string_view text, const std::string& label, BenchData& data);

// Reads "path" or "label=path" arguments. A missing file is an error.
Result<BenchData> read_bench_files(const std::vector<std::string>& args);

}  // namespace ncprof::bench
