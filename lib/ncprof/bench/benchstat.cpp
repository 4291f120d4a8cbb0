#include "ncprof/bench/benchstat.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ncprof/bench/texttab.hpp"

namespace ncprof::bench {

const StatCell* StatTable::cell(std::size_t row, std::size_t col) const {
  auto it = cells.find({row, col});
  return it == cells.end() ? nullptr : &it->second;
}

bool lower_is_better(const std::string& unit) {
  auto slash = unit.find('/');
  if (slash == std::string::npos) return true;
  // x/op is a cost; x/s (a rate) is better higher.
  std::string denom = unit.substr(slash + 1);
  return !(denom == "s" || denom == "sec" || denom == "second");
}

namespace {

// First-observation order of values.
class Order {
 public:
  std::size_t of(const std::string& v) {
    auto [it, inserted] = index_.try_emplace(v, index_.size());
    if (inserted) values_.push_back(v);
    return it->second;
  }
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::size_t> index_;
  std::vector<std::string> values_;
};

}  // namespace

std::vector<StatTable> build_tables(const BenchData& data, const StatOptions& opts) {
  // The table key: every file-level config key seen, then the unit. The
  // configuration is replayed from the log in reading order, and a value is
  // looked at only when it changed, so many keys and many results cost
  // about their sum, not their product.
  std::vector<std::string> keys;
  std::map<std::string, std::size_t, std::less<>> key_pos;
  auto replay = [&](std::size_t& applied, std::size_t end, const auto& on_reset, const auto& on_set) {
    for (; applied < end && applied < data.config_log.size(); ++applied) {
      const auto& e = data.config_log[applied];
      if (e.reset) {
        on_reset();
      } else {
        on_set(e);
      }
    }
  };
  {
    std::size_t applied = 0;
    for (const auto& r : data.results) {
      replay(
          applied, r.config_end, [] {},
          [&](const ConfigEntry& e) {
            if (key_pos.try_emplace(e.key, keys.size()).second) keys.push_back(e.key);
          });
    }
  }
  std::vector<Order> key_order(keys.size());
  Order unit_order, row_order, col_order;
  struct Acc {
    std::vector<std::size_t> key;  // observation index per config key, then unit
    std::vector<std::string> config_values;
    std::string unit;
    std::map<std::pair<std::size_t, std::size_t>, std::vector<double>> cells;
  };
  std::map<std::vector<std::size_t>, Acc> tables;
  // Values in effect and their observation indexes; keys whose value changed
  // since the last result are observed again, in key order, as benchstat
  // observes every key of every result.
  std::vector<std::string> state(keys.size());
  std::vector<std::size_t> ids(keys.size());
  std::vector<char> dirty(keys.size(), 1);
  std::vector<std::size_t> dirty_list(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) dirty_list[k] = k;
  auto mark = [&](std::size_t k) {
    if (!dirty[k]) {
      dirty[k] = 1;
      dirty_list.push_back(k);
    }
  };
  std::size_t applied = 0;
  for (const auto& r : data.results) {
    replay(
        applied, r.config_end,
        [&] {
          for (std::size_t k = 0; k < keys.size(); ++k) {
            state[k].clear();
            mark(k);
          }
        },
        [&](const ConfigEntry& e) {
          const std::size_t k = key_pos.find(e.key)->second;
          state[k] = e.value;
          mark(k);
        });
    std::sort(dirty_list.begin(), dirty_list.end());
    for (std::size_t k : dirty_list) {
      ids[k] = key_order[k].of(state[k]);
      dirty[k] = 0;
    }
    dirty_list.clear();
    const std::vector<std::size_t>& base_key = ids;
    const std::vector<std::string>& values = state;
    const std::size_t row = row_order.of(r.fullname);
    const std::size_t col = col_order.of(r.file);
    for (const auto& v : r.values) {
      auto key = base_key;
      key.push_back(unit_order.of(v.unit));
      auto& t = tables[key];
      if (t.key.empty()) {
        t.key = key;
        t.config_values = values;
        t.unit = v.unit;
      }
      t.cells[{row, col}].push_back(v.value);
    }
  }

  std::vector<StatTable> out;
  for (auto& [key, acc] : tables) {  // std::map orders keys as benchstat sorts them
    StatTable t;
    for (std::size_t k = 0; k < keys.size(); ++k) t.config.emplace_back(keys[k], acc.config_values[k]);
    t.unit = acc.unit;
    t.exact = data.exact(acc.unit);
    // Sorted, distinct ids; positions by binary search (many rows stay fast).
    std::vector<std::size_t> row_ids, col_ids;
    for (const auto& [rc, vals] : acc.cells) {
      row_ids.push_back(rc.first);
      col_ids.push_back(rc.second);
    }
    for (auto* list : {&row_ids, &col_ids}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    for (auto r : row_ids) t.rows.push_back(row_order.values()[r]);
    for (auto c : col_ids) t.cols.push_back(col_order.values()[c]);
    auto pos = [](const std::vector<std::size_t>& list, std::size_t id) {
      return static_cast<std::size_t>(std::lower_bound(list.begin(), list.end(), id) - list.begin());
    };
    for (auto& [rc, vals] : acc.cells) {
      StatCell cell;
      cell.values = vals;
      std::sort(cell.values.begin(), cell.values.end());
      cell.summary = summarize(cell.values, t.exact, opts.confidence);
      t.cells[{pos(row_ids, rc.first), pos(col_ids, rc.second)}] = std::move(cell);
    }
    // Comparisons against the first column of this table.
    for (auto& [rc, cell] : t.cells) {
      if (rc.second == 0) continue;
      auto base = t.cells.find({rc.first, 0});
      if (base == t.cells.end()) continue;
      cell.has_baseline = true;
      cell.baseline_center = base->second.summary.center;
      cell.comparison = compare(base->second.values, cell.values, t.exact, opts.alpha);
    }
    // The geomean row: geomean of centers, and of per-row ratios.
    std::size_t n_base = 0;
    for (std::size_t r = 0; r < t.rows.size(); ++r) n_base += t.cell(r, 0) ? 1 : 0;
    for (std::size_t c = 0; c < t.cols.size(); ++c) {
      ColumnSummary s;
      std::vector<double> centers, ratios;
      bool bad_ratio = false;
      for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const StatCell* cell = t.cell(r, c);
        if (!cell) continue;
        centers.push_back(cell->summary.center);
        if (cell->has_baseline) {
          double a = cell->summary.center, b = cell->baseline_center;
          if (a == b) {
            ratios.push_back(1);
          } else if (b == 0) {
            bad_ratio = true;
            ratios.push_back(0);
          } else {
            ratios.push_back(a / b);
          }
        }
      }
      if (c != 0 && n_base != ratios.size()) {
        s.warnings.push_back("benchmark set differs from baseline; geomeans may not be comparable");
      }
      double gm = geomean(centers);
      if (std::isnan(gm)) {
        s.warnings.push_back("summaries must be >0 to compute geomean");
      } else {
        s.has_summary = true;
        s.summary = gm;
      }
      if (c != 0 && !bad_ratio) {
        double gr = geomean(ratios);
        if (std::isnan(gr)) {
          s.warnings.push_back("ratios must be >0 to compute geomean");
        } else {
          s.has_ratio = true;
          s.ratio = gr;
        }
      }
      t.summary.push_back(std::move(s));
    }
    out.push_back(std::move(t));
  }
  return out;
}

namespace {

struct Scaler {
  int prec = 3;
  double factor = 1;
  std::string prefix;
  std::string format(double v) const { return fmt::format("{:.{}f}{}", v / factor, prec, prefix); }
};

Scaler common_scale(const std::vector<double>& vals, bool binary) {
  double min = 0;
  for (double v : vals) {
    v = std::fabs(v);
    if (v != 0 && (min == 0 || v < min)) min = v;
  }
  if (min == 0) return Scaler{3, 1, ""};
  struct Factor {
    double factor;
    const char* prefix;
    double t100, t10, t1;
  };
  std::vector<Factor> factors;
  if (binary) {
    int exp = 40;
    for (const char* p : {"Ti", "Gi", "Mi", "Ki", ""}) {
      double f = std::ldexp(1.0, exp);
      factors.push_back({f, p, 99.995 * f, 9.9995 * f, 0.99995 * f});
      exp -= 10;
    }
  } else {
    int exp = 12;
    for (const char* p : {"T", "G", "M", "k", "", "m", "\xc2\xb5", "n"}) {
      factors.push_back({std::pow(10.0, exp), p, std::stod(fmt::format("99.995e{}", exp)),
                         std::stod(fmt::format("9.9995e{}", exp)), std::stod(fmt::format(".99995e{}", exp))});
      exp -= 3;
    }
  }
  for (const auto& f : factors) {
    if (min >= f.t100) return Scaler{1, f.factor, f.prefix};
    if (min >= f.t10) return Scaler{2, f.factor, f.prefix};
    if (min >= f.t1) return Scaler{3, f.factor, f.prefix};
  }
  const auto& f = factors.back();
  double val = min / f.factor;
  for (int i = 0, exp = -1; exp > -9; ++i, --exp) {
    double thresh = std::stod(fmt::format("9.9995e{}", exp));
    if (val >= thresh || exp == -8) return Scaler{i + 3, f.factor, f.prefix};
  }
  return Scaler{3, f.factor, f.prefix};
}

std::string superscript(std::size_t i) {
  static const char* digits[] = {"\xe2\x81\xb0", "\xc2\xb9", "\xc2\xb2", "\xc2\xb3", "\xe2\x81\xb4",
                                 "\xe2\x81\xb5", "\xe2\x81\xb6", "\xe2\x81\xb7", "\xe2\x81\xb8", "\xe2\x81\xb9"};
  if (i == 0) return digits[0];
  std::vector<const char*> parts;
  for (; i > 0; i /= 10) parts.push_back(digits[i % 10]);
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += *it;
  return out;
}

// Prints "key: value" lines for the parts of the table key that changed.
template <class Emit>
void table_headers(const std::vector<StatTable>& tables, std::size_t i, Emit&& emit) {
  for (std::size_t k = 0; k < tables[i].config.size(); ++k) {
    const auto& [key, val] = tables[i].config[k];
    if (i == 0 || tables[i - 1].config[k].second != val) emit(fmt::format("{}: {}", key, val));
  }
}

std::string table_text(const StatTable& t) {
  TextTable o;
  constexpr int label_cols = 1, center_cols = 3, delta_cols = 3;
  auto start_col = [](std::size_t exp) {
    return exp == 0 ? label_cols : label_cols + center_cols + static_cast<int>(exp - 1) * (center_cols + delta_cols);
  };
  std::vector<std::string> warning_list;
  auto warn = [&](std::initializer_list<const std::vector<std::string>*> lists) {
    std::string notes;
    for (const auto* l : lists) {
      for (const auto& msg : *l) {
        auto it = std::find(warning_list.begin(), warning_list.end(), msg);
        std::size_t idx = static_cast<std::size_t>(it - warning_list.begin());
        if (it == warning_list.end()) warning_list.push_back(msg);
        if (!notes.empty()) notes += ' ';
        notes += superscript(idx + 1);
      }
    }
    o.cell(notes);
  };
  const int r_edge = start_col(t.cols.size() + 1);
  // Column header: the file labels.
  o.row();
  for (std::size_t i = 0; i < t.cols.size(); ++i) {
    int l = start_col(i), r = start_col(i + 1);
    o.col(l).span(r - l, t.cols[i], {TextTable::Align::center, " \xe2\x94\x82 "});
  }
  o.col(r_edge).cell("", {TextTable::Align::left, " \xe2\x94\x82"});
  // Unit row.
  o.row();
  for (std::size_t i = 0; i < t.cols.size(); ++i) {
    int l = start_col(i);
    o.col(l);
    o.span(center_cols, t.unit, {TextTable::Align::center, " \xe2\x94\x82 "});
    if (i > 0) o.span(delta_cols, "vs base", {TextTable::Align::left, "  "});
    for (int j = l + 1; j < o.cur_col(); ++j) o.set_shrink(j, true);
  }
  o.col(r_edge).cell("", {TextTable::Align::left, " \xe2\x94\x82"});
  const bool binary = binary_unit(t.unit);
  static const std::vector<std::string> none;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    o.row();
    o.cell(t.rows[r]);
    std::vector<double> centers;
    for (std::size_t c = 0; c < t.cols.size(); ++c) {
      if (const StatCell* cell = t.cell(r, c)) centers.push_back(cell->summary.center);
    }
    Scaler sc = common_scale(centers, binary);
    for (std::size_t c = 0; c < t.cols.size(); ++c) {
      const StatCell* cell = t.cell(r, c);
      if (!cell) continue;
      o.col(start_col(c));
      o.cell(sc.format(cell->summary.center), {TextTable::Align::right});
      o.cell(cell->summary.pct_range(), {TextTable::Align::right, " \xc2\xb1 "});
      warn({&none, &cell->summary.warnings});
      if (c > 0 && cell->has_baseline) {
        o.cell(cell->comparison.format_delta(cell->baseline_center, cell->summary.center), {TextTable::Align::right});
        o.cell(fmt::format("({})", cell->comparison.str()));
        warn({&cell->comparison.warnings});
      }
    }
  }
  if (t.rows.size() > 1) {
    o.row();
    o.cell("geomean");
    for (std::size_t c = 0; c < t.cols.size(); ++c) {
      const auto& s = t.summary[c];
      if (s.has_summary) {
        o.col(start_col(c));
        o.cell(common_scale({s.summary}, binary).format(s.summary), {TextTable::Align::right});
      }
      if (c > 0) {
        o.col(start_col(c) + center_cols);
        o.cell(s.has_ratio ? fmt::format("{:+.2f}%", (s.ratio - 1) * 100) : "?", {TextTable::Align::right});
      }
      o.col(start_col(c + 1) - 1);
      warn({&s.warnings});
    }
  }
  std::string out = o.format();
  for (std::size_t i = 0; i < warning_list.size(); ++i) out += superscript(i + 1) + " " + warning_list[i] + "\n";
  return out;
}

// A spreadsheet column name for a 0-based column, as benchstat writes it.
std::string column_name(std::size_t x) {
  std::vector<char> letters;
  for (; x > 0; x /= 26) letters.push_back(static_cast<char>('A' + x % 26));
  if (letters.empty()) letters.push_back('A');
  return std::string(letters.rbegin(), letters.rend());
}

std::string csv_field(const std::string& f) {
  bool quote = f == "\\." || f.find_first_of(",\"\r\n") != std::string::npos ||
               (!f.empty() && (f[0] == ' ' || f[0] == '\t'));
  if (!quote) return f;
  std::string out = "\"";
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_row(const std::vector<std::string>& row) {
  std::string out;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) out += ',';
    out += csv_field(row[i]);
  }
  out += '\n';
  return out;
}

}  // namespace

std::string render_text(const std::vector<StatTable>& tables) {
  std::string out;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (i > 0) out += "\n";
    table_headers(tables, i, [&](const std::string& line) { out += line + "\n"; });
    out += table_text(tables[i]);
  }
  return out;
}

std::string render_csv(const std::vector<StatTable>& tables, std::string& warnings) {
  std::string out;
  int row_no = 1;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const StatTable& t = tables[i];
    if (i > 0) {
      out += csv_row({""});
      ++row_no;
    }
    table_headers(tables, i, [&](const std::string& line) {
      out += csv_row({line});
      ++row_no;
    });
    auto start_col = [](std::size_t exp) { return exp == 0 ? 1 : 1 + 2 + static_cast<int>(exp - 1) * 4; };
    std::vector<std::string> row;
    auto clear_to = [&](int c) {
      while (static_cast<int>(row.size()) < c) row.emplace_back();
    };
    auto emit = [&] {
      out += csv_row(row);
      row.clear();
      ++row_no;
    };
    auto warn = [&](const std::vector<std::string>& msgs) {
      for (const auto& m : msgs) warnings += fmt::format("{}{}: {}\n", column_name(row.size()), row_no, m);
    };
    for (std::size_t c = 0; c < t.cols.size(); ++c) {
      clear_to(start_col(c));
      row.push_back(t.cols[c]);
    }
    emit();
    for (std::size_t c = 0; c < t.cols.size(); ++c) {
      clear_to(start_col(c));
      row.push_back(t.unit);
      row.push_back("CI");
      if (c > 0) {
        row.push_back("vs base");
        row.push_back("P");
      }
    }
    emit();
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      row.push_back(t.rows[r]);
      for (std::size_t c = 0; c < t.cols.size(); ++c) {
        const StatCell* cell = t.cell(r, c);
        if (!cell) continue;
        clear_to(start_col(c));
        warn(cell->summary.warnings);
        row.push_back(go_float(cell->summary.center));
        row.push_back(cell->summary.pct_range());
        if (c > 0 && cell->has_baseline) {
          warn(cell->comparison.warnings);
          row.push_back(cell->comparison.format_delta(cell->baseline_center, cell->summary.center));
          row.push_back(cell->comparison.str());
        }
      }
      emit();
    }
    row.push_back("geomean");
    for (std::size_t c = 0; c < t.cols.size(); ++c) {
      const auto& s = t.summary[c];
      clear_to(start_col(c));
      warn(s.warnings);
      if (s.has_summary) row.push_back(go_float(s.summary));
      if (c > 0) {
        clear_to(start_col(c) + 2);
        row.push_back(s.has_ratio ? fmt::format("{:+.2f}%", (s.ratio - 1) * 100) : "?");
      }
    }
    emit();
  }
  return out;
}

}  // namespace ncprof::bench
