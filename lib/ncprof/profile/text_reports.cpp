#include "ncprof/profile/text_reports.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "ncprof/profile/frames.hpp"
#include "ncprof/profile/measure.hpp"
#include "ncprof/util/arith.hpp"
#include "ncprof/util/regex.hpp"
#include "ncprof/util/tabwriter.hpp"

namespace ncprof::profile {

namespace {

// Go's %10s: padded on the left to 10 runes.
std::string pad10(const std::string& s) {
  std::size_t runes = 0;
  for (char c : s) runes += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return runes >= 10 ? s : std::string(10 - runes, ' ') + s;
}

// pprof's reading of a label: a string label when it has a value, a
// numeric one when it has a number or a unit, else none.
bool is_string_label(const Label& l) { return !l.str.empty(); }
bool is_numeric_label(const Label& l) { return l.str.empty() && (l.num != 0 || !l.num_unit.empty()); }

// A sample's labels as pprof's maps hold them: key -> values in order.
using LabelMap = std::map<std::string, std::vector<std::string>>;

}  // namespace

std::map<std::string, std::string> num_label_units(const Profile& p) {
  std::map<std::string, std::string> units;
  std::set<std::string> keys;
  std::set<const void*> seen;  // label sets are shared: look at each once
  for (const auto& s : p.samples) {
    if (s.labels.empty() || !seen.insert(s.labels.copy_id()).second) continue;
    for (const auto& l : s.labels) {
      if (!is_numeric_label(l)) continue;
      keys.insert(l.key);
      if (!l.num_unit.empty()) units.emplace(l.key, l.num_unit);
    }
  }
  for (const auto& k : keys) {
    if (units.count(k)) continue;
    units[k] = k == "alignment" || k == "request" ? "bytes" : k;
  }
  return units;
}

namespace {

// What both reports walk the samples with.
struct WalkInputs {
  Selection sel;
  std::map<std::string, std::string> units;
};

Result<WalkInputs> walk_inputs(const Profile& p, const TopOptions& opts) {
  auto sel = select_frames(p, opts);
  if (!sel) return tl::unexpected(sel.error());
  return WalkInputs{std::move(*sel), num_label_units(p)};
}

}  // namespace

Result<std::string> render_traces(const Profile& p, const TopOptions& opts) {
  auto in = walk_inputs(p, opts);
  if (!in) return tl::unexpected(in.error());
  const auto& [sel, units] = *in;
  const TopReport& r = sel.basis.report;
  const std::string separator = "-----------+-------------------------------------------------------\n";

  std::string out;
  for (const auto& line : profile_header(p, r)) out += line + '\n';
  std::vector<std::pair<std::int32_t, bool>> stack;
  for (const auto& s : p.samples) {
    if (!sel.frames.keeps(s)) continue;
    stack.clear();
    sel.frames.walk(s, [&stack](std::int32_t node, bool is_inline) { stack.emplace_back(node, is_inline); });
    if (stack.empty()) continue;
    out += separator;
    LabelMap strs, nums;
    for (const auto& l : s.labels) {
      if (is_string_label(l)) {
        strs[l.key].push_back(l.str);
      } else if (is_numeric_label(l)) {
        auto u = units.find(l.key);
        nums[l.key].push_back(scaled_label(l.num, u == units.end() ? l.key : u->second, "auto"));
      }
    }
    for (const LabelMap* m : {&strs, &nums}) {
      std::vector<std::string> lines;
      for (const auto& [key, values] : *m) lines.push_back(fmt::format("{}:  {}\n", pad10(key), fmt::join(values, " ")));
      std::sort(lines.begin(), lines.end());
      for (const auto& l : lines) out += l;
    }
    const std::string value = r.format_value(s.values[sel.basis.index]);
    for (std::size_t i = stack.size(); i-- > 0;) {
      const auto& [node, is_inline] = stack[i];
      out += fmt::format("{}   {}{}\n", pad10(i + 1 == stack.size() ? value : ""), sel.frames.nodes()[static_cast<std::size_t>(node)].name,
                         is_inline ? " (inline)" : "");
    }
  }
  out += separator;
  return out;
}

Result<std::string> render_tags(const Profile& p, const TopOptions& opts) {
  auto in = walk_inputs(p, opts);
  if (!in) return tl::unexpected(in.error());
  const auto& [sel, units] = *in;

  // key -> value -> sum of the selected value (wrapping, as Go's int64 does).
  std::map<std::string, std::map<std::string, std::int64_t>> tags;
  for (const auto& s : p.samples) {
    if (!sel.frames.keeps(s)) continue;
    const std::int64_t v = s.values[sel.basis.index];
    for (const auto& l : s.labels) {
      if (is_string_label(l)) {
        auto& sum = tags[l.key][l.str];
        sum = util::wrap_add(sum, v);
      } else if (is_numeric_label(l)) {
        auto u = units.find(l.key);
        auto& sum = tags[l.key][scaled_label(l.num, u == units.end() ? l.key : u->second, sel.basis.report.output_unit)];
        sum = util::wrap_add(sum, v);
      }
    }
  }
  // Keys by name; values by |total|, then name (graph.SortTags).
  std::string text;
  for (const auto& [key, values] : tags) {
    std::int64_t total = 0;
    std::vector<std::pair<std::string, std::int64_t>> rows(values.begin(), values.end());
    for (const auto& [name, v] : rows) total = util::wrap_add(total, v);
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      if (a.second != b.second && util::wrap_abs(a.second) != util::wrap_abs(b.second)) {
        return util::wrap_abs(a.second) > util::wrap_abs(b.second);
      }
      return a.first < b.first;
    });
    auto scaled = [&report = sel.basis.report](std::int64_t v) {
      auto [f, u] = scale_value(v, report.sample_unit, report.output_unit);
      return fmt::format("{:.1f}{}", f, u);
    };
    text += fmt::format("{}:\t Total {}\n", key, scaled(total));
    for (const auto& [name, v] : rows) {
      if (total > 0) {
        text += fmt::format(" \t{} ({}):\t {}\n", scaled(v), percentage(v, total), name);
      } else {
        text += fmt::format(" \t{}:\t {}\n", scaled(v), name);
      }
    }
    text += '\n';
  }
  return util::tabwrite(text, {0, 1, true});  // -tags prints no header
}

Result<std::string> render_peek(const Profile& p, const TopOptions& opts, const std::string& pattern) {
  auto re = util::Regex::compile(pattern, "peek");
  if (!re) return tl::unexpected(re.error());
  // pprof's peek: top's graph untrimmed, every node with its edges.
  TopOptions o = opts;
  o.trim = false;
  o.node_count = 0;
  o.with_edges = true;
  auto r = compute_top(p, o);
  if (!r) return tl::unexpected(r.error());
  const std::string separator = "----------------------------------------------------------+-------------\n";
  std::string out;
  for (const auto& l : top_labels(p, *r)) out += l + '\n';
  out += separator;
  out += "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t \n";
  std::int64_t flat_sum = 0;
  int matched = 0;
  auto edge_line = [&](const TopEdge& e, std::int64_t cum) {
    return fmt::format("{:>50} {} |   {}{}\n", r->format_value(e.weight), percentage(e.weight, cum), e.name,
                       e.is_inline ? " (inline)" : "");
  };
  for (const auto& row : r->rows) {
    if (!re->search(row.name)) continue;
    ++matched;
    out += separator;
    for (const auto& e : row.callers) out += edge_line(e, row.cum);
    flat_sum = util::wrap_add(flat_sum, row.flat);
    out += fmt::format("{:>10} {} {} {:>10} {}                | {}\n", r->format_value(row.flat),
                       percentage(row.flat, r->total), percentage(flat_sum, r->total), r->format_value(row.cum),
                       percentage(row.cum, r->total), row.name);
    for (const auto& e : row.callees) out += edge_line(e, row.cum);
  }
  if (!r->rows.empty()) out += separator;
  if (matched == 0) return fail(ErrorKind::usage, fmt::format("no matches found for regexp: {}", pattern));
  return out;
}

}  // namespace ncprof::profile
