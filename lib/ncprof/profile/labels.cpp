#include "ncprof/profile/labels.hpp"

#include <charconv>
#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "ncprof/profile/measure.hpp"
#include "ncprof/util/regex.hpp"

namespace ncprof::profile {

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

// One match of pprof's tagFilterRangeRx, ([+-]?[[:digit:]]+)([[:alpha:]]+)?
struct RangeMatch {
  std::string text, number, unit;
};

std::vector<RangeMatch> range_matches(const std::string& s) {
  std::vector<RangeMatch> out;
  std::size_t i = 0;
  auto digit = [&](std::size_t k) { return k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])); };
  auto alpha = [&](std::size_t k) { return k < s.size() && std::isalpha(static_cast<unsigned char>(s[k])); };
  while (i < s.size() && out.size() < 2) {
    std::size_t start = i;
    std::size_t k = i;
    if ((s[k] == '+' || s[k] == '-') && digit(k + 1)) ++k;
    if (!digit(k)) {
      ++i;
      continue;
    }
    const std::size_t num_start = start;
    while (digit(k)) ++k;
    const std::size_t num_end = k;
    while (alpha(k)) ++k;
    out.push_back(RangeMatch{s.substr(start, k - start), s.substr(num_start, num_end - num_start),
                             s.substr(num_end, k - num_end)});
    i = k;
  }
  return out;
}

using NumFilter = std::function<bool(std::int64_t, const std::string&)>;

// pprof's parseTagFilterRange; null when the text is not a range.
Result<NumFilter> parse_range(const std::string& filter) {
  auto m = range_matches(filter);
  if (m.empty()) return NumFilter{};
  auto parse = [](const std::string& n) -> std::optional<std::int64_t> {
    std::int64_t v = 0;
    const char* b = n.data() + (n[0] == '+' ? 1 : 0);
    auto [end, ec] = std::from_chars(b, n.data() + n.size(), v);
    if (ec != std::errc() || end != n.data() + n.size()) return std::nullopt;
    return v;
  };
  auto v1 = parse(m[0].number);
  if (!v1) return fail(ErrorKind::usage, fmt::format("tag filter value {} is out of range", m[0].number));
  // Plain variables, not a structured binding: lambdas capture them.
  const auto first = scale_value(*v1, m[0].unit, m[0].unit);
  const double scaled = first.first;
  const std::string unit = first.second;
  if (m.size() == 1) {
    if (filter == m[0].text) {
      return NumFilter([scaled, unit](std::int64_t v, const std::string& u) {
        auto [sv, su] = scale_value(v, u, unit);
        return su == unit && sv == scaled;
      });
    }
    if (filter == m[0].text + ":") {
      return NumFilter([scaled, unit](std::int64_t v, const std::string& u) {
        auto [sv, su] = scale_value(v, u, unit);
        return su == unit && sv >= scaled;
      });
    }
    if (filter == ":" + m[0].text) {
      return NumFilter([scaled, unit](std::int64_t v, const std::string& u) {
        auto [sv, su] = scale_value(v, u, unit);
        return su == unit && sv <= scaled;
      });
    }
    return NumFilter{};
  }
  if (filter != m[0].text + ":" + m[1].text) return NumFilter{};
  auto v2 = parse(m[1].number);
  if (!v2) return fail(ErrorKind::usage, fmt::format("tag filter value {} is out of range", m[1].number));
  const auto second = scale_value(*v2, m[1].unit, unit);
  const double scaled2 = second.first;
  if (unit != second.second) return NumFilter{};
  return NumFilter([scaled, scaled2, unit](std::int64_t v, const std::string& u) {
    auto [sv, su] = scale_value(v, u, unit);
    return su == unit && sv >= scaled && sv <= scaled2;
  });
}

}  // namespace

Result<SamplePredicate> compile_tag_filter(const std::string& name, const std::string& value_in,
                                           const std::map<std::string, std::string>& units, bool* is_range) {
  if (is_range) *is_range = false;
  if (value_in.empty()) return SamplePredicate{};
  std::string value = value_in, want_key;
  if (auto eq = value.find('='); eq != std::string::npos) {
    want_key = value.substr(0, eq);
    value = value.substr(eq + 1);
  }
  auto range = parse_range(value);
  if (!range) return tl::unexpected(range.error());
  if (*range) {
    if (is_range) *is_range = true;
    auto unit_of = [units](const std::string& key) {
      auto it = units.find(key);
      return it == units.end() ? std::string() : it->second;
    };
    NumFilter f = *range;
    return SamplePredicate([f, want_key, unit_of](const Sample& s) {
      for (const auto& l : s.labels) {
        if (!is_numeric_label(l) || (!want_key.empty() && l.key != want_key)) continue;
        if (f(l.num, unit_of(l.key))) return true;
      }
      return false;
    });
  }
  std::vector<std::shared_ptr<util::Regex>> res;
  std::size_t from = 0;
  while (true) {
    const std::size_t comma = value.find(',', from);
    auto re = util::Regex::compile(value.substr(from, comma == std::string::npos ? std::string::npos : comma - from), name);
    if (!re) return tl::unexpected(re.error());
    res.push_back(std::make_shared<util::Regex>(std::move(*re)));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  if (want_key.empty()) {
    // Every regexp must match some "key:value".
    return SamplePredicate([res](const Sample& s) {
      for (const auto& re : res) {
        bool any = false;
        for (const auto& l : s.labels) {
          if (is_string_label(l) && re->search(l.key + ":" + l.str)) {
            any = true;
            break;
          }
        }
        if (!any) return false;
      }
      return true;
    });
  }
  return SamplePredicate([res, want_key](const Sample& s) {
    for (const auto& re : res) {
      for (const auto& l : s.labels) {
        if (is_string_label(l) && l.key == want_key && re->search(l.str)) return true;
      }
    }
    return false;
  });
}

Result<void> filter_tags_by_name(Profile& p, const std::string& show, const std::string& hide, bool* show_matched,
                                 bool* hide_matched) {
  std::optional<util::Regex> show_re, hide_re;
  if (!show.empty()) {
    auto re = util::Regex::compile(show, "tagshow");
    if (!re) return tl::unexpected(re.error());
    show_re.emplace(std::move(*re));
  }
  if (!hide.empty()) {
    auto re = util::Regex::compile(hide, "taghide");
    if (!re) return tl::unexpected(re.error());
    hide_re.emplace(std::move(*re));
  }
  if (!show_re && !hide_re) return {};
  // Each distinct label set is filtered once, and stays shared.
  std::unordered_map<const void*, std::pair<Labels, Labels>> done;
  for (auto& s : p.samples) {
    if (s.labels.empty()) continue;
    auto [it, inserted] = done.try_emplace(s.labels.copy_id());
    if (inserted) {
      std::vector<Label> kept;
      for (const auto& l : s.labels) {
        if (!is_string_label(l) && !is_numeric_label(l)) continue;
        const bool match_show = !show_re || show_re->search(l.key);
        const bool match_hide = hide_re && hide_re->search(l.key);
        if (match_show && show_matched) *show_matched = true;
        if (match_hide && hide_matched) *hide_matched = true;
        if (match_show && !match_hide) kept.push_back(l);
      }
      it->second = {s.labels, Labels(std::move(kept))};
    }
    s.labels = it->second.second;
  }
  return {};
}

}  // namespace ncprof::profile
