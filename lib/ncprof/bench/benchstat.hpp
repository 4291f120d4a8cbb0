#pragma once
// benchstat's tables: results grouped into tables by configuration and
// unit, rows by full benchmark name, columns by input file (or by the
// projections -table, -row and -col give, after -filter), each cell
// summarised and compared with the first column; a geomean row; text in
// benchstat's layout, CSV and a JSON model.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ncprof/bench/benchfmt.hpp"
#include "ncprof/bench/projection.hpp"
#include "ncprof/bench/stats.hpp"

namespace ncprof::bench {

struct StatOptions {
  double alpha = 0.05;
  double confidence = 0.95;
};

struct StatCell {
  std::vector<double> values;  // sorted
  Summary summary;
  bool has_baseline = false;
  double baseline_center = 0;
  Comparison comparison;
};

struct ColumnSummary {
  bool has_summary = false;
  double summary = 0;
  bool has_ratio = false;
  double ratio = 0;
  std::vector<std::string> warnings;
};

struct StatTable {
  std::vector<std::pair<std::string, std::string>> config;  // table key (field, value), without the unit
  std::string unit;
  bool exact = false;
  std::vector<std::string> rows;  // row labels: full names by default
  std::vector<std::string> cols;  // column labels: file labels by default
  std::vector<std::string> col_fields;               // the column key's fields (".file")
  std::vector<std::vector<std::string>> col_values;  // per column, its value of each field
  std::map<std::pair<std::size_t, std::size_t>, StatCell> cells;  // (row, col)
  std::vector<ColumnSummary> summary;                             // per column

  const StatCell* cell(std::size_t row, std::size_t col) const;
};

std::vector<StatTable> build_tables(const BenchData& data, const StatOptions& opts,
                                    const Projections& projections = {});

// benchstat's text output (v2 layout).
std::string render_text(const std::vector<StatTable>& tables);
// CSV (warnings go to `warnings`, one per line with a cell reference).
std::string render_csv(const std::vector<StatTable>& tables, std::string& warnings);

// Whether smaller is better for a unit (sec/op, B/op, allocs/op) or
// larger (B/s, ops/s...). benchstat itself never says; the CI gate does.
bool lower_is_better(const std::string& unit);

}  // namespace ncprof::bench
