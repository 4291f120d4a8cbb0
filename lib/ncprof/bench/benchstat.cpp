#include "ncprof/bench/benchstat.hpp"

#include <algorithm>
#include <cmath>
#include <set>

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

namespace {

// A projection's field after .config is expanded into the file keys it
// stands for: where its value comes from and how it sorts.
struct Flat {
  enum class Source { config, name, fullname, file, name_key };
  Source source = Source::config;
  std::string name;                    // the key, as table headers and warnings name it
  std::size_t key = 0;                 // Source::config: the key's index (npos: never set)
  bool config_member = false;          // part of .config: ids from the shared key order, sorted by value
  ProjectionField::Order order = ProjectionField::Order::first;
  std::vector<std::string> fixed;
  Order seen;                          // first-seen ids of this field's values (not config members)
};

// -1, 0 or 1 for a and b by the field's order (benchproc: the order,
// then plain string order for values the order calls equal).
int compare_values(const Flat& f, std::size_t ida, std::size_t idb, const std::string& a, const std::string& b) {
  if (a == b) return 0;
  int c = 0;
  switch (f.order) {
    case ProjectionField::Order::first:
      if (!f.config_member) c = ida < idb ? -1 : ida > idb ? 1 : 0;
      break;
    case ProjectionField::Order::alpha:
      break;
    case ProjectionField::Order::num: {
      double x = 0, y = 0;
      const bool okx = parse_num(a, x), oky = parse_num(b, y);
      if (okx && oky) {
        if (x < y || (!std::isnan(x) && std::isnan(y))) c = -1;
        else if (x > y || (std::isnan(x) && !std::isnan(y))) c = 1;
      } else if (okx != oky) {
        c = okx ? -1 : 1;
      }
      break;
    }
    case ProjectionField::Order::fixed: {
      auto pos = [&](const std::string& v) { return std::find(f.fixed.begin(), f.fixed.end(), v) - f.fixed.begin(); };
      const auto pa = pos(a), pb = pos(b);
      c = pa < pb ? -1 : pa > pb ? 1 : 0;
      break;
    }
  }
  return c != 0 ? c : (a < b ? -1 : 1);
}

std::string join_values(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (v.empty()) continue;
    if (!out.empty()) out += ' ';
    out += v;
  }
  return out;
}

}  // namespace

std::vector<StatTable> build_tables(const BenchData& data, const StatOptions& opts, const Projections& proj) {
  // Every file-level config key seen, in first-set order. The
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
  // Keys a projection names leave .config and .fullname (benchstat shows
  // each key once), -ignore's too; what no projection holds is the
  // residue, whose variation within a cell is warned about.
  std::set<std::string, std::less<>> claimed_config;
  std::vector<std::string> claimed_name;
  bool have_config = false, have_fullname = false;
  for (const auto* list : {&proj.table, &proj.row, &proj.col, &proj.ignore}) {
    for (const auto& f : *list) {
      if (f.key == ".config") {
        have_config = true;
      } else if (f.key == ".fullname") {
        have_fullname = true;
      } else if (f.key == ".name" || f.key[0] == '/') {
        claimed_name.push_back(f.key);
      } else {
        claimed_config.insert(f.key);
      }
    }
  }
  auto flatten = [&](const std::vector<ProjectionField>& fields) {
    std::vector<Flat> out;
    for (const auto& f : fields) {
      if (f.key == ".config") {
        for (std::size_t k = 0; k < keys.size(); ++k) {
          if (claimed_config.count(keys[k])) continue;
          Flat x;
          x.name = keys[k];
          x.key = k;
          x.config_member = true;
          x.order = f.order;
          out.push_back(std::move(x));
        }
        continue;
      }
      Flat x;
      x.name = f.key;
      x.order = f.order;
      x.fixed = f.fixed;
      if (f.key == ".fullname") {
        x.source = Flat::Source::fullname;
      } else if (f.key == ".name") {
        x.source = Flat::Source::name;
      } else if (f.key == ".file") {
        x.source = Flat::Source::file;
      } else if (f.key[0] == '/') {
        x.source = Flat::Source::name_key;
      } else {
        auto it = key_pos.find(f.key);
        x.key = it == key_pos.end() ? std::string::npos : it->second;
      }
      out.push_back(std::move(x));
    }
    return out;
  };
  std::vector<Flat> table_by = flatten(proj.table), row_by = flatten(proj.row), col_by = flatten(proj.col);
  std::vector<Flat> ignored = flatten(proj.ignore);
  std::vector<ProjectionField> residue_fields;
  if (!have_config) residue_fields.push_back({".config", ProjectionField::Order::first, {}});
  if (!have_fullname) residue_fields.push_back({".fullname", ProjectionField::Order::first, {}});
  std::vector<Flat> residue_by = flatten(residue_fields);
  const bool default_name = claimed_name.empty();

  std::vector<Order> key_order(keys.size());
  Order unit_order;
  struct Cell {
    std::vector<double> values;
    std::set<std::vector<std::size_t>> residue;
  };
  struct Acc {
    std::vector<std::size_t> key;  // the table fields' ids
    std::vector<std::string> key_values;
    std::size_t unit = 0;
    std::map<std::pair<std::size_t, std::size_t>, Cell> cells;
  };
  std::map<std::vector<std::size_t>, Acc> tables;
  std::map<std::vector<std::size_t>, std::size_t> row_ids, col_ids;
  std::vector<std::vector<std::size_t>> row_keys, col_keys;
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
  static const std::string empty;
  auto config_value = [&](std::size_t k) -> const std::string& { return k < state.size() ? state[k] : empty; };
  // A field's value for the current result.
  auto value_of = [&](const Flat& f, const BenchResult& r) -> std::string {
    switch (f.source) {
      case Flat::Source::config:
        return config_value(f.key);
      case Flat::Source::name:
        return std::string(base_name(r.fullname));
      case Flat::Source::fullname:
        return default_name ? r.fullname : fullname_without(r.fullname, claimed_name);
      case Flat::Source::file:
        return r.file;
      case Flat::Source::name_key:
        return name_key_value(r.fullname, f.name);
    }
    return "";
  };
  // A result's key in a projection: an id per field (its first-seen index).
  auto project = [&](std::vector<Flat>& by, const BenchResult& r) {
    std::vector<std::size_t> key(by.size());
    for (std::size_t i = 0; i < by.size(); ++i) {
      Flat& f = by[i];
      key[i] = f.config_member ? ids[f.key] : f.seen.of(value_of(f, r));
    }
    return key;
  };
  // The value behind a field's id, for labels and sorting.
  auto value_at = [&](const Flat& f, std::size_t id) -> const std::string& {
    return f.config_member ? key_order[f.key].values()[id] : f.seen.values()[id];
  };
  auto in_fixed = [&](const std::vector<Flat>& by, const BenchResult& r) {
    return std::all_of(by.begin(), by.end(), [&](const Flat& f) {
      return f.order != ProjectionField::Order::fixed ||
             std::find(f.fixed.begin(), f.fixed.end(), value_of(f, r)) != f.fixed.end();
    });
  };
  const Filter* filter = proj.filter && !proj.filter->matches_all() ? proj.filter.get() : nullptr;
  const ConfigLookup lookup = [&](const std::string& key) -> std::string {
    auto it = key_pos.find(key);
    return it == key_pos.end() ? std::string() : state[it->second];
  };
  const bool plain = proj.is_default();
  std::vector<char> kept;
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
    // -filter, value by value (.unit terms pick values), and the values a
    // fixed order lists.
    kept.assign(r.values.size(), 1);
    bool any = !r.values.empty();
    if (!plain) {
      if (!in_fixed(table_by, r) || !in_fixed(row_by, r) || !in_fixed(col_by, r) || !in_fixed(ignored, r)) continue;
      any = false;
      for (std::size_t v = 0; v < r.values.size(); ++v) {
        kept[v] = !filter || filter->keeps(r, lookup, v);
        any = any || kept[v];
      }
    }
    if (!any) continue;
    std::vector<std::size_t> base_key = project(table_by, r);
    auto intern = [](std::map<std::vector<std::size_t>, std::size_t>& index, std::vector<std::vector<std::size_t>>& list,
                     std::vector<std::size_t> key) {
      auto [it, inserted] = index.try_emplace(key, list.size());
      if (inserted) list.push_back(std::move(key));
      return it->second;
    };
    const std::size_t row = intern(row_ids, row_keys, project(row_by, r));
    const std::size_t col = intern(col_ids, col_keys, project(col_by, r));
    std::vector<std::size_t> residue;
    if (!residue_by.empty()) residue = project(residue_by, r);
    for (std::size_t v = 0; v < r.values.size(); ++v) {
      if (!kept[v]) continue;
      const auto& val = r.values[v];
      auto key = base_key;
      key.push_back(unit_order.of(val.unit));
      auto& t = tables[key];
      if (t.key.empty() && t.cells.empty()) {
        t.key = base_key;
        // The values only for a new table (a file of many keys and many
        // results makes few tables).
        for (std::size_t k = 0; k < table_by.size(); ++k) t.key_values.push_back(value_at(table_by[k], base_key[k]));
        t.unit = key.back();
      }
      auto& cell = t.cells[{row, col}];
      cell.values.push_back(val.value);
      if (!residue_by.empty()) cell.residue.insert(residue);
    }
  }

  auto less_key = [&](const std::vector<Flat>& by, const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
    for (std::size_t i = 0; i < by.size(); ++i) {
      if (a[i] == b[i]) continue;
      return compare_values(by[i], a[i], b[i], value_at(by[i], a[i]), value_at(by[i], b[i])) < 0;
    }
    return false;
  };
  std::vector<const Acc*> order;
  for (const auto& [key, acc] : tables) order.push_back(&acc);
  std::stable_sort(order.begin(), order.end(), [&](const Acc* a, const Acc* b) {
    if (a->key != b->key) return less_key(table_by, a->key, b->key);
    return a->unit < b->unit;  // units in first-seen order
  });

  std::vector<StatTable> out;
  for (const Acc* accp : order) {
    const Acc& acc = *accp;
    StatTable t;
    for (std::size_t k = 0; k < table_by.size(); ++k) t.config.emplace_back(table_by[k].name, acc.key_values[k]);
    t.unit = unit_order.values()[acc.unit];
    t.exact = data.exact(t.unit);
    for (const auto& f : col_by) t.col_fields.push_back(f.name);
    // The table's rows and columns, sorted; positions by binary search.
    std::vector<std::size_t> rows_here, cols_here;
    for (const auto& [rc, cell] : acc.cells) {
      rows_here.push_back(rc.first);
      cols_here.push_back(rc.second);
    }
    auto sort_ids = [&](std::vector<std::size_t>& list, const std::vector<Flat>& by,
                        const std::vector<std::vector<std::size_t>>& key_list) {
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
      std::stable_sort(list.begin(), list.end(),
                       [&](std::size_t a, std::size_t b) { return less_key(by, key_list[a], key_list[b]); });
    };
    sort_ids(rows_here, row_by, row_keys);
    sort_ids(cols_here, col_by, col_keys);
    auto values_of = [&](const std::vector<Flat>& by, const std::vector<std::size_t>& key) {
      std::vector<std::string> v;
      for (std::size_t i = 0; i < by.size(); ++i) v.push_back(value_at(by[i], key[i]));
      return v;
    };
    for (auto r : rows_here) t.rows.push_back(join_values(values_of(row_by, row_keys[r])));
    for (auto c : cols_here) {
      t.col_values.push_back(values_of(col_by, col_keys[c]));
      t.cols.push_back(join_values(t.col_values.back()));
    }
    std::vector<std::size_t> row_pos(row_keys.size()), col_pos(col_keys.size());
    for (std::size_t i = 0; i < rows_here.size(); ++i) row_pos[rows_here[i]] = i;
    for (std::size_t i = 0; i < cols_here.size(); ++i) col_pos[cols_here[i]] = i;
    for (const auto& [rc, acc_cell] : acc.cells) {
      StatCell cell;
      cell.values = acc_cell.values;
      std::sort(cell.values.begin(), cell.values.end());
      cell.summary = summarize(cell.values, t.exact, opts.confidence);
      if (acc_cell.residue.size() > 1) {
        // The residue keys whose value differs within the cell.
        std::string vary;
        const auto& first = *acc_cell.residue.begin();
        for (std::size_t i = 0; i < residue_by.size(); ++i) {
          const bool differs = std::any_of(acc_cell.residue.begin(), acc_cell.residue.end(),
                                           [&](const auto& k) { return k[i] != first[i]; });
          if (differs) vary += (vary.empty() ? "" : ", ") + residue_by[i].name;
        }
        cell.summary.warnings.insert(cell.summary.warnings.begin(), "benchmarks vary in " + vary);
      }
      t.cells[{row_pos[rc.first], col_pos[rc.second]}] = std::move(cell);
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
  // Column headers: a row per field of the column key (the file labels by
  // default), each value spanning the columns that share it and the
  // values above it.
  for (std::size_t level = 0; level < t.col_fields.size(); ++level) {
    o.row();
    auto same = [&](std::size_t a, std::size_t b) {
      for (std::size_t l = 0; l <= level; ++l) {
        if (t.col_values[a][l] != t.col_values[b][l]) return false;
      }
      return true;
    };
    for (std::size_t i = 0; i < t.cols.size();) {
      std::size_t j = i + 1;
      while (j < t.cols.size() && same(i, j)) ++j;
      int l = start_col(i), r = start_col(j);
      o.col(l).span(r - l, t.col_values[i][level], {TextTable::Align::center, " \xe2\x94\x82 "});
      i = j;
    }
    o.col(r_edge).cell("", {TextTable::Align::left, " \xe2\x94\x82"});
  }
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
    for (std::size_t level = 0; level < t.col_fields.size(); ++level) {
      for (std::size_t c = 0; c < t.cols.size(); ++c) {
        clear_to(start_col(c));
        row.push_back(t.col_values[c][level]);
      }
      clear_to(start_col(t.cols.size()));
      emit();
    }
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
    clear_to(start_col(t.cols.size()));
    emit();
  }
  return out;
}

}  // namespace ncprof::bench
