// ncprof benchstat FILE...: benchstat's summaries and A/B comparisons.
#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/bench_json.hpp"
#include "commands/commands.hpp"
#include "ncprof/bench/benchstat.hpp"

namespace ncprof::app {

namespace {

struct BenchstatArgs {
  std::vector<std::string> files;
  double alpha = 0.05;
  double confidence = 0.95;
  std::string format = "text";
  std::string table = ".config", row = ".fullname", col = ".file", ignore, filter = "*";
};

}  // namespace

nlohmann::json tables_json(const std::vector<bench::StatTable>& tables) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : tables) {
    nlohmann::json config = nlohmann::json::object();
    for (const auto& [k, v] : t.config) config[k] = v;
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      nlohmann::json cells = nlohmann::json::array();
      for (std::size_t c = 0; c < t.cols.size(); ++c) {
        const auto* cell = t.cell(r, c);
        if (!cell) {
          cells.push_back(nullptr);
          continue;
        }
        nlohmann::json j = {{"file", t.cols[c]},
                            {"values", cell->values},
                            {"center", cell->summary.center},
                            {"range", cell->summary.pct_range()},
                            {"warnings", cell->summary.warnings}};
        if (std::isfinite(cell->summary.lo)) j["lo"] = cell->summary.lo;
        if (std::isfinite(cell->summary.hi)) j["hi"] = cell->summary.hi;
        if (cell->has_baseline) {
          double delta = cell->baseline_center != 0 ? (cell->summary.center / cell->baseline_center - 1) * 100 : 0;
          j["comparison"] = {{"p", cell->comparison.p},
                             {"n1", cell->comparison.n1},
                             {"n2", cell->comparison.n2},
                             {"significant", !(cell->comparison.p > cell->comparison.alpha)},
                             {"delta_pct", delta},
                             {"delta", cell->comparison.format_delta(cell->baseline_center, cell->summary.center)},
                             {"warnings", cell->comparison.warnings}};
        }
        cells.push_back(std::move(j));
      }
      rows.push_back({{"name", t.rows[r]}, {"cells", cells}});
    }
    nlohmann::json geo = nlohmann::json::array();
    for (const auto& s : t.summary) {
      nlohmann::json g = nlohmann::json::object();
      if (s.has_summary) g["geomean"] = s.summary;
      if (s.has_ratio) g["ratio"] = s.ratio;
      g["warnings"] = s.warnings;
      geo.push_back(std::move(g));
    }
    out.push_back({{"config", config},
                   {"unit", t.unit},
                   {"assume", t.exact ? "exact" : "nothing"},
                   {"lower_is_better", bench::lower_is_better(t.unit)},
                   {"files", t.cols},
                   {"rows", rows},
                   {"summary", geo}});
  }
  return out;
}

namespace {

int run_benchstat(const BenchstatArgs& args) {
  if (args.alpha < 0 || args.alpha > 1) return report_error(Error{ErrorKind::usage, "--alpha must be in [0, 1]"});
  if (args.confidence < 0 || args.confidence > 1) {
    return report_error(Error{ErrorKind::usage, "--confidence must be in [0, 1]"});
  }
  auto projections = bench::parse_projections(args.table, args.row, args.col, args.ignore, args.filter);
  if (!projections) return report_error(projections.error());
  auto data = bench::read_bench_files(args.files);
  if (!data) return report_error(data.error());
  for (const auto& e : data->errors) fmt::print(stderr, "{}\n", e.text());
  if (data->results.empty()) {
    return report_error(Error{ErrorKind::bad_input, fmt::format("{}: no benchmark results", fmt::join(args.files, ", "))});
  }
  auto tables = bench::build_tables(*data, {args.alpha, args.confidence}, *projections);
  if (args.format == "json") {
    fmt::print("{}\n", json_text(nlohmann::json{{"tables", tables_json(tables)}}));
  } else if (args.format == "csv") {
    std::string warnings;
    fmt::print("{}", bench::render_csv(tables, warnings));
    fmt::print(stderr, "{}", warnings);
  } else {
    fmt::print("{}", bench::render_text(tables));
  }
  return kExitOk;
}

}  // namespace

void add_benchstat_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions&) {
  auto args = std::make_shared<BenchstatArgs>();
  auto* cmd = app.add_subcommand("benchstat", "Summarise and compare Go benchmark results, as benchstat (v2) does");
  cmd->footer(
      "Keys: .name, .fullname, .file, /KEY (sub-name key), KEY (file configuration key), .config (all file keys),\n"
      "  .unit (filters only). Projections: KEY[@alpha|@num|@(v1 v2 ...)], comma or space separated.\n"
      "  Filters: key:value, key:\"quoted\", key:/regexp/, key:(a OR b), *, x y, x OR y, -x, (...).\n"
      "  benchstat's single-dash spellings work too: -row .name -col /format -filter ... -alpha -format.\n"
      "Examples:\n  ncprof benchstat old.txt new.txt\n  ncprof benchstat --format csv base=baseline.txt new=latest.txt\n"
      "  ncprof benchstat --col /format --row .name new.txt\n"
      "  ncprof benchstat -filter '/align:0' -row /size -col /poly crc.txt");
  cmd->add_option("FILE", args->files, "Benchmark output files (label=path to name a column); the first is the base")
      ->required();
  cmd->add_option("--alpha", args->alpha, "Consider a change significant if p < alpha")->capture_default_str();
  cmd->add_option("--confidence", args->confidence, "Confidence level for ranges")->capture_default_str();
  cmd->add_option("--format", args->format, "text, csv or json")->check(format_choice({"text", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--table", args->table, "Split results into tables by these keys (a projection)")->capture_default_str();
  cmd->add_option("--row", args->row, "Split results into rows by these keys")->capture_default_str();
  cmd->add_option("--col", args->col, "Compare across columns by these keys")->capture_default_str();
  cmd->add_option("--ignore", args->ignore, "Ignore variations in these keys");
  cmd->add_option("--filter", args->filter, "Use only the results matching this query")->capture_default_str();
  cmd->callback([args, &dispatch] { dispatch.run = [args] { return run_benchstat(*args); }; });
}

}  // namespace ncprof::app
