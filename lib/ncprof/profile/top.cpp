#include "ncprof/profile/top.hpp"

#include <algorithm>
#include <ctime>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>

#include "ncprof/profile/measure.hpp"
#include "ncprof/profile/merge.hpp"
#include "ncprof/util/regex.hpp"
#include "ncprof/util/arith.hpp"

namespace ncprof::profile {

Result<Granularity> parse_granularity(const std::string& s) {
  if (s == "functions") return Granularity::functions;
  if (s == "lines") return Granularity::lines;
  if (s == "files") return Granularity::files;
  if (s == "addresses") return Granularity::addresses;
  return fail(ErrorKind::usage, fmt::format("unknown granularity '{}' (functions, lines, files, addresses)", s));
}

std::string clean_path(const std::string& path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = rooted ? "/" : "";
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

namespace {

std::string base_name(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.empty()) return ".";
  auto pos = path.rfind('/');
  if (pos == std::string::npos) return path;
  if (path.size() == 1) return "/";
  return path.substr(pos + 1);
}

// pprof's graph.NodeInfo: what makes two frames the same row.
struct NodeInfo {
  std::string name;
  std::uint64_t address = 0;
  std::string file;
  std::int64_t start_line = 0;
  std::int64_t lineno = 0;
  std::string objfile;

  std::string key() const {
    return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", name, address, file, start_line, lineno, objfile);
  }
  std::string printable() const {
    std::string out;
    auto add = [&out](const std::string& s) {
      if (!out.empty()) out += ' ';
      out += s;
    };
    if (address != 0) add(fmt::format("{:016x}", address));
    if (!name.empty()) add(name);
    if (lineno != 0) {
      add(fmt::format("{}:{}", file, lineno));
    } else if (!file.empty()) {
      add(file);
    } else if (!name.empty()) {
      // the function name says it all
    } else if (!objfile.empty()) {
      add("[" + base_name(objfile) + "]");
    } else {
      add("<unknown>");
    }
    return out;
  }
  // fmt.Sprint of the Go struct: pprof's last tie-breaker.
  std::string sprint() const {
    return fmt::format("{{{} {} {} {} {} {} {}}}", name, "", address, file, start_line, lineno, objfile);
  }
};

struct Node {
  NodeInfo info;
  std::string name;  // printable
  std::int64_t flat = 0;
  std::int64_t cum = 0;
  bool inlinable = false;  // appears as an inlined frame somewhere
};

class Matcher {
 public:
  Matcher(const std::string& what, const std::string& pattern) {
    if (pattern.empty()) return;
    auto re = util::Regex::compile(pattern, what);
    if (re) {
      re_.emplace(std::move(*re));
    } else {
      error_ = re.error().message;
    }
  }
  bool active() const { return re_.has_value(); }
  const std::string& error() const { return error_; }
  bool match(const std::string& s) const { return re_->search(s); }

 private:
  std::optional<util::Regex> re_;
  std::string error_;
};

// Per-location view after hide/show: the lines left, or hidden entirely.
struct LocView {
  std::vector<Line> lines;
  bool hidden = false;
  signed char focus = -1;  // -1 no entry, 0 ignored, 1 focused
};

std::int64_t abs64(std::int64_t v) { return util::wrap_abs(v); }

std::string time_label(std::int64_t nanos) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t secs = static_cast<std::time_t>(nanos / 1000000000);
  if (nanos < 0 && nanos % 1000000000 != 0) --secs;
  std::tm tm{};
  localtime_r(&secs, &tm);
  int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  return fmt::format("{} {}, {} at {}:{:02}{} ({})", months[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900, hour12,
                     tm.tm_min, tm.tm_hour < 12 ? "am" : "pm", tm.tm_zone ? tm.tm_zone : "UTC");
}

}  // namespace

std::string TopReport::format_value(std::int64_t v) const { return scaled_label(v, sample_unit, output_unit); }

Result<TopReport> compute_top(const Profile& p, const TopOptions& opts) {
  if (p.sample_types.empty()) return fail(ErrorKind::bad_input, "profile has no samples");
  auto index = find_sample_index(p, opts.sample_index);
  if (!index) {
    return fail(ErrorKind::usage, fmt::format("sample index '{}' must be one of: {} (or 0..{})", opts.sample_index,
                                              sample_type_names(p), p.sample_types.size() - 1));
  }
  const std::size_t si = *index;
  TopReport r;
  r.sample_type = p.sample_types[si].type;
  r.sample_unit = p.sample_types[si].unit;

  // The total is taken before any filter, as pprof does; a -diff_base
  // profile is measured against its base.
  {
    std::int64_t total = 0, diff_total = 0;
    for (const auto& s : p.samples) {
      std::int64_t v = abs64(s.values[si]);
      total = util::wrap_add(total, v);
      for (const auto& l : s.labels) {
        if (l.key == kBaseLabel && l.str == "true") {
          diff_total = util::wrap_add(diff_total, v);
          break;
        }
      }
    }
    r.total = diff_total > 0 ? diff_total : total;
  }

  Matcher focus("focus", opts.focus), ignore("ignore", opts.ignore), hide("hide", opts.hide), show("show", opts.show);
  for (const Matcher* m : {&focus, &ignore, &hide, &show}) {
    if (!m->error().empty()) return fail(ErrorKind::usage, m->error());
  }
  auto add_filter = [&r](const char* k, const std::string& v) {
    if (!v.empty()) r.active_filters.push_back(fmt::format("{}={}", k, v));
  };
  add_filter("focus", opts.focus);
  add_filter("ignore", opts.ignore);
  add_filter("hide", opts.hide);
  add_filter("show", opts.show);

  const IdIndex map_index(p.mappings);
  const IdIndex func_index(p.functions);
  const IdIndex loc_index(p.locations);
  auto objfile_of = [&](const Location& l) -> const std::string& {
    static const std::string none;
    if (l.mapping_id == 0) return none;
    return p.mappings[map_index.find(l.mapping_id)].filename;
  };
  auto function_of = [&](const Line& ln) -> const Function& { return p.functions[func_index.find(ln.function_id)]; };

  // Filters, per location (pprof's FilterSamplesByName).
  const bool filtering = focus.active() || ignore.active() || hide.active() || show.active();
  std::vector<LocView> views(p.locations.size());
  bool any_hidden = false;
  bool fm = false, im = false, hm = false, hnm = false;
  if (filtering) {
    // Cache regex results per function: [regex][function] -> -1 unknown, 0/1.
    std::vector<std::vector<signed char>> cache(4, std::vector<signed char>(p.functions.size(), -1));
    const Matcher* matchers[4] = {&focus, &ignore, &hide, &show};
    auto line_matches = [&](int which, const Line& ln) {
      std::size_t fi = func_index.find(ln.function_id);
      signed char& c = cache[which][fi];
      if (c < 0) {
        const Function& f = p.functions[fi];
        c = (matchers[which]->match(f.name) || matchers[which]->match(f.filename)) ? 1 : 0;
      }
      return c == 1;
    };
    auto loc_matches = [&](int which, const Location& l, const std::vector<Line>& lines) {
      for (const auto& ln : lines) {
        if (line_matches(which, ln)) return true;
      }
      const std::string& obj = objfile_of(l);
      return l.mapping_id != 0 && matchers[which]->match(obj);
    };
    for (std::size_t i = 0; i < p.locations.size(); ++i) {
      const Location& l = p.locations[i];
      LocView& v = views[i];
      v.lines = l.lines;
      if (ignore.active() && loc_matches(1, l, l.lines)) {
        im = true;
        v.focus = 0;
      } else if (!focus.active() || loc_matches(0, l, l.lines)) {
        fm = true;
        v.focus = 1;
      }
      if (hide.active() && loc_matches(2, l, l.lines)) {
        hm = true;
        if (l.mapping_id != 0 && hide.match(objfile_of(l))) {
          v.lines.clear();
        } else {
          std::erase_if(v.lines, [&](const Line& ln) { return line_matches(2, ln); });
        }
        if (v.lines.empty()) v.hidden = true;
      }
      if (show.active()) {
        if (!(l.mapping_id != 0 && show.match(objfile_of(l)))) {
          std::erase_if(v.lines, [&](const Line& ln) { return !line_matches(3, ln); });
        }
        if (v.lines.empty()) {
          v.hidden = true;
        } else {
          hnm = true;
        }
      }
      any_hidden = any_hidden || v.hidden;
    }
    if (focus.active() && !fm) r.warnings.push_back("Focus expression matched no samples");
    if (ignore.active() && !im) r.warnings.push_back("Ignore expression matched no samples");
    if (hide.active() && !hm) r.warnings.push_back("Hide expression matched no samples");
    if (show.active() && !hnm) r.warnings.push_back("Show expression matched no samples");
  }

  // Nodes: one per distinct NodeInfo at the chosen granularity; each
  // location maps to one node per line (inlined frames are nodes too).
  std::vector<Node> nodes;
  std::unordered_map<std::string, std::int32_t> node_ids;
  std::vector<std::uint32_t> loc_offset(p.locations.size() + 1, 0);
  std::vector<std::int32_t> loc_nodes;
  loc_nodes.reserve(p.locations.size() * 2);
  const Granularity g = opts.granularity;
  for (std::size_t i = 0; i < p.locations.size(); ++i) {
    const Location& l = p.locations[i];
    loc_offset[i] = static_cast<std::uint32_t>(loc_nodes.size());
    const std::vector<Line>& lines = filtering ? views[i].lines : l.lines;
    const std::size_t k = lines.empty() ? 1 : lines.size();
    for (std::size_t li = 0; li < k; ++li) {
      NodeInfo ni;
      const std::string& obj = objfile_of(l);
      if (lines.empty()) {
        ni.address = g == Granularity::addresses ? l.address : 0;
        ni.objfile = obj;
      } else {
        const Line& ln = lines[li];
        const Function& f = function_of(ln);
        if (g == Granularity::addresses) ni.address = l.address;
        if (g != Granularity::files) ni.name = f.name;
        if (g != Granularity::functions && !f.filename.empty()) ni.file = clean_path(f.filename);
        if (g == Granularity::lines || g == Granularity::addresses) ni.lineno = ln.line;
        if (ni.name.empty()) {
          ni.objfile = obj;
          ni.start_line = f.start_line;
        }
      }
      auto [it, inserted] = node_ids.try_emplace(ni.key(), static_cast<std::int32_t>(nodes.size()));
      if (inserted) {
        Node n;
        n.name = ni.printable();
        n.info = std::move(ni);
        nodes.push_back(std::move(n));
      }
      if (li + 1 < k) nodes[static_cast<std::size_t>(it->second)].inlinable = true;
      loc_nodes.push_back(it->second);
    }
  }
  loc_offset[p.locations.size()] = static_cast<std::uint32_t>(loc_nodes.size());

  // Which samples survive the filters; frames are walked in place later
  // (no copy of the stacks: they are most of a large profile's memory).
  std::vector<char> used(p.samples.size(), 0);
  for (std::size_t i = 0; i < p.samples.size(); ++i) {
    const Sample& s = p.samples[i];
    if (s.values[si] == 0) continue;
    if (filtering) {
      bool focused = false, ignored = false, any_left = false;
      for (auto id : s.location_ids) {
        const LocView& v = views[loc_index.find(id)];
        if (v.focus == 0) {
          ignored = true;
          break;
        }
        focused = focused || v.focus == 1;
        any_left = any_left || !v.hidden;
      }
      if (ignored || !focused || !any_left) continue;
    }
    used[i] = 1;
  }
  // Frame lookups dominate a large profile: one int per location id says
  // "this single node", "hidden" or "several lines at location index li".
  constexpr std::int32_t kHidden = std::numeric_limits<std::int32_t>::min();
  std::vector<std::int32_t> li_code(p.locations.size());
  for (std::size_t li = 0; li < p.locations.size(); ++li) {
    if (any_hidden && views[li].hidden) {
      li_code[li] = kHidden;
    } else if (loc_offset[li + 1] - loc_offset[li] == 1) {
      li_code[li] = loc_nodes[loc_offset[li]];
    } else {
      li_code[li] = -static_cast<std::int32_t>(li) - 2;
    }
  }
  std::uint64_t max_id = 0;
  for (const auto& l : p.locations) max_id = std::max(max_id, l.id);
  const bool dense_ids = max_id <= p.locations.size() * 4 + 1024;
  std::vector<std::int32_t> id_code;
  if (dense_ids) {
    id_code.assign(static_cast<std::size_t>(max_id) + 1, kHidden);
    for (std::size_t li = 0; li < p.locations.size(); ++li) id_code[static_cast<std::size_t>(p.locations[li].id)] = li_code[li];
  }
  // Calls fn(node, is_inline) for each node of a sample, root to leaf.
  auto walk = [&](const Sample& s, auto&& fn) {
    const std::int32_t* codes = dense_ids ? id_code.data() : nullptr;
    for (std::size_t f = s.location_ids.size(); f-- > 0;) {
      const std::uint64_t id = s.location_ids[f];
      const std::int32_t c = codes ? codes[id] : li_code[loc_index.find(id)];
      if (c >= 0) {
        fn(c, false);
        continue;
      }
      if (c == kHidden) continue;
      const auto li = static_cast<std::size_t>(-(c + 2));
      const std::uint32_t first = loc_offset[li], last = loc_offset[li + 1];
      for (std::uint32_t k = last; k-- > first;) fn(loc_nodes[k], k != last - 1);
    }
  };

  // Frames on inlinable nodes: at most this many call-edge visits below.
  std::size_t inlinable_frames = 0;
  // Flat and cum: cum once per node per sample, flat to the leaf-most frame.
  // Hot counters live in their own arrays, away from the node names.
  {
    std::vector<std::uint32_t> stamp(nodes.size(), 0);
    std::vector<std::int64_t> flat(nodes.size(), 0), cum(nodes.size(), 0);
    std::uint32_t mark = 0;
    for (std::size_t i = 0; i < p.samples.size(); ++i) {
      if (!used[i]) continue;
      ++mark;
      const std::int64_t w = p.samples[i].values[si];
      std::int32_t leaf = -1;
      walk(p.samples[i], [&](std::int32_t n, bool) {
        auto& st = stamp[static_cast<std::size_t>(n)];
        if (st != mark) {
          st = mark;
          cum[static_cast<std::size_t>(n)] = util::wrap_add(cum[static_cast<std::size_t>(n)], w);
        }
        inlinable_frames += nodes[static_cast<std::size_t>(n)].inlinable;
        leaf = n;
      });
      if (leaf >= 0) flat[static_cast<std::size_t>(leaf)] = util::wrap_add(flat[static_cast<std::size_t>(leaf)], w);
    }
    for (std::size_t n = 0; n < nodes.size(); ++n) {
      nodes[n].flat = flat[n];
      nodes[n].cum = cum[n];
    }
  }

  std::vector<std::int32_t> graph;
  std::int64_t flat_total = 0;
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    if (nodes[n].cum == 0 && nodes[n].flat == 0) continue;
    graph.push_back(static_cast<std::int32_t>(n));
    flat_total = util::wrap_add(flat_total, nodes[n].flat);
  }
  const double node_fraction = opts.trim ? opts.node_fraction : 0.0;
  const double edge_fraction = opts.trim ? opts.edge_fraction : 0.0;
  const int node_count = opts.trim ? opts.node_count : 0;
  const std::int64_t node_cutoff = abs64(static_cast<std::int64_t>(static_cast<double>(flat_total) * node_fraction));
  const std::int64_t edge_cutoff = abs64(static_cast<std::int64_t>(static_cast<double>(flat_total) * edge_fraction));
  // pprof rebuilds its graph from the kept nodes only when trimming removed
  // some; until then nodes with no weight still carry call edges.
  bool rebuilt = false;
  if (node_cutoff > 0) {
    std::size_t before = graph.size();
    std::erase_if(graph, [&](std::int32_t n) { return abs64(nodes[static_cast<std::size_t>(n)].cum) < node_cutoff; });
    r.dropped_nodes = static_cast<int>(before - graph.size());
    rebuilt = r.dropped_nodes > 0;
  }
  r.kept_nodes = static_cast<int>(graph.size());
  r.node_cutoff = abs64(static_cast<std::int64_t>(static_cast<double>(r.total) * node_fraction));

  auto by_flat = [&](std::int32_t a, std::int32_t b) {
    const Node& l = nodes[static_cast<std::size_t>(a)];
    const Node& rr = nodes[static_cast<std::size_t>(b)];
    if (abs64(l.flat) != abs64(rr.flat)) return abs64(l.flat) > abs64(rr.flat);
    if (l.name != rr.name) return l.name < rr.name;
    if (abs64(l.cum) != abs64(rr.cum)) return abs64(l.cum) > abs64(rr.cum);
    return l.info.sprint() < rr.info.sprint();
  };
  auto by_cum = [&](std::int32_t a, std::int32_t b) {
    const Node& l = nodes[static_cast<std::size_t>(a)];
    const Node& rr = nodes[static_cast<std::size_t>(b)];
    if (abs64(l.cum) != abs64(rr.cum)) return abs64(l.cum) > abs64(rr.cum);
    if (l.name != rr.name) return l.name < rr.name;
    if (abs64(l.flat) != abs64(rr.flat)) return abs64(l.flat) > abs64(rr.flat);
    return l.info.sprint() < rr.info.sprint();
  };
  if (opts.cum_sort) {
    std::sort(graph.begin(), graph.end(), by_cum);
  } else {
    std::sort(graph.begin(), graph.end(), by_flat);
  }
  if (node_count > 0 && static_cast<std::size_t>(node_count) < graph.size()) {
    graph.resize(static_cast<std::size_t>(node_count));
    rebuilt = true;
  }

  // Inline labels come from the call edges into a node that survive edge
  // trimming; only nodes that appear as inlined frames can get one.
  std::vector<char> kept(nodes.size(), rebuilt ? 0 : 1);
  bool need_edges = false;
  // kept: 1, kept and can be an inlined callee: 2.
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    if (kept[n] && nodes[n].inlinable) kept[n] = 2;
  }
  for (auto n : graph) {
    const bool inlinable = nodes[static_cast<std::size_t>(n)].inlinable;
    kept[static_cast<std::size_t>(n)] = inlinable ? 2 : 1;
    need_edges = need_edges || inlinable;
  }
  std::vector<std::string> labels(nodes.size());
  if (need_edges) {
    // Every visit of a call edge into an inlinable node, once per sample
    // (recursion repeats an edge), then sorted so that each edge's visits
    // add up: a flat array is a fraction of the memory of a hash table
    // with an entry per edge. key: dest << 32 | parent << 1 | not-inlined.
    struct Visit {
      std::uint64_t key;
      std::int64_t weight;
    };
    std::vector<Visit> visits;
    visits.reserve(inlinable_frames);
    std::vector<std::uint32_t> dest_stamp(nodes.size(), 0);
    std::uint32_t mark = 0;
    for (std::size_t i = 0; i < p.samples.size(); ++i) {
      if (!used[i]) continue;
      ++mark;
      const std::size_t first_visit = visits.size();
      std::int32_t parent = -1;
      const std::int64_t w = p.samples[i].values[si];
      walk(p.samples[i], [&](std::int32_t n, bool is_inline) {
        const char flag = kept[static_cast<std::size_t>(n)];
        if (!flag) return;
        if (parent >= 0 && n != parent && flag == 2) {
          const std::uint64_t key = (static_cast<std::uint64_t>(n) << 32) | (static_cast<std::uint64_t>(parent) << 1) |
                                    (is_inline ? 0u : 1u);
          bool repeated = false;
          auto& st = dest_stamp[static_cast<std::size_t>(n)];
          if (st == mark) {
            // This node was reached before in this sample: look for the edge.
            for (std::size_t k = first_visit; k < visits.size() && !repeated; ++k) {
              repeated = (visits[k].key >> 1) == (key >> 1);
            }
          }
          st = mark;
          if (!repeated) visits.push_back(Visit{key, w});
        }
        parent = n;
      });
    }
    std::sort(visits.begin(), visits.end(), [](const Visit& a, const Visit& b) { return (a.key >> 1) < (b.key >> 1); });
    std::vector<signed char> has_inline(nodes.size(), 0), has_plain(nodes.size(), 0);
    for (std::size_t k = 0; k < visits.size();) {
      std::int64_t weight = 0;
      bool inline_all = true;
      std::size_t e = k;
      for (; e < visits.size() && (visits[e].key >> 1) == (visits[k].key >> 1); ++e) {
        weight = util::wrap_add(weight, visits[e].weight);
        inline_all = inline_all && (visits[e].key & 1) == 0;
      }
      if (abs64(weight) >= edge_cutoff) {
        const std::size_t dest = static_cast<std::size_t>(visits[k].key >> 32);
        (inline_all ? has_inline : has_plain)[dest] = 1;
      }
      k = e;
    }
    for (auto n : graph) {
      auto i = static_cast<std::size_t>(n);
      if (has_inline[i]) labels[i] = has_plain[i] ? "(partial-inline)" : "(inline)";
    }
  }

  // Output unit: pprof's "minimum" selection.
  {
    std::int64_t min_value = 0;
    for (auto n : graph) {
      const Node& x = nodes[static_cast<std::size_t>(n)];
      std::int64_t v = abs64(x.flat);
      if (v == 0) v = abs64(x.cum);
      if (v > 0 && (min_value == 0 || v < min_value)) min_value = v;
    }
    std::int64_t max_value = r.total;
    if (min_value == 0) min_value = max_value;
    std::string unit = r.sample_unit;
    if (!graph.empty()) {
      auto min_unit = scale_value(min_value, r.sample_unit, "minimum").second;
      auto max_unit = scale_value(max_value, r.sample_unit, "minimum").second;
      std::string chosen = min_unit;
      if (min_unit != max_unit && min_value * 100 < max_value) {
        chosen = scale_value(100 * min_value, r.sample_unit, "minimum").second;
      }
      if (!chosen.empty()) unit = chosen;
    } else {
      unit = "minimum";
    }
    r.output_unit = unit;
  }

  for (auto n : graph) {
    const Node& x = nodes[static_cast<std::size_t>(n)];
    r.rows.push_back(TopRow{x.name, labels[static_cast<std::size_t>(n)], x.flat, x.cum});
    r.shown_flat = util::wrap_add(r.shown_flat, x.flat);
  }
  return r;
}

std::vector<std::string> profile_header(const Profile& p, const TopReport& r) {
  std::vector<std::string> out;
  if (!p.mappings.empty()) {
    if (!p.mappings[0].filename.empty()) out.push_back("File: " + base_name(p.mappings[0].filename));
    if (!p.mappings[0].build_id.empty()) out.push_back("Build ID: " + p.mappings[0].build_id);
  }
  for (const auto& c : p.comments) {
    if (c.rfind('#', 0) != 0) out.push_back(c);
  }
  if (!r.sample_type.empty()) out.push_back("Type: " + r.sample_type);
  if (p.time_nanos != 0) out.push_back("Time: " + time_label(p.time_nanos));
  if (p.duration_nanos != 0) {
    std::string duration = scaled_label(p.duration_nanos, "nanoseconds", "auto");
    auto [total_nanos, total_unit] = scale_value(r.total, r.sample_unit, "nanoseconds");
    std::string ratio;
    if (total_unit == "ns" && total_nanos != 0) {
      ratio = "(" + percentage(static_cast<std::int64_t>(total_nanos), p.duration_nanos) + ")";
    }
    out.push_back(fmt::format("Duration: {}, Total samples = {} {}", duration, r.format_value(r.total), ratio));
  }
  return out;
}

std::string render_top_text(const Profile& p, const TopReport& r) {
  std::vector<std::string> labels = profile_header(p, r);
  if (!r.active_filters.empty()) {
    labels.push_back("Active filters:");
    for (auto f : r.active_filters) {
      if (f.size() > 80) f = f.substr(0, 80) + "\xe2\x80\xa6";
      labels.push_back("   " + f);
    }
  }
  std::string pct = percentage(r.shown_flat, r.total);
  pct.erase(0, pct.find_first_not_of(' '));
  labels.push_back(fmt::format("Showing nodes accounting for {}, {} of {} total", r.format_value(r.shown_flat), pct,
                               r.format_value(r.total)));
  if (r.total != 0) {
    if (r.dropped_nodes > 0) {
      labels.push_back(fmt::format("Dropped {} node{} (cum <= {})", r.dropped_nodes, r.dropped_nodes > 1 ? "s" : "",
                                   r.format_value(r.node_cutoff)));
    }
    int shown = static_cast<int>(r.rows.size());
    if (shown > 0 && shown < r.kept_nodes) {
      labels.push_back(fmt::format("Showing top {} nodes out of {}", shown, r.kept_nodes));
    }
  }
  std::string out;
  for (const auto& l : labels) {
    out += l;
    out += '\n';
  }
  out += fmt::format("{:>10} {:>5}% {:>5}% {:>10} {:>5}%\n", "flat", "flat", "sum", "cum", "cum");
  std::int64_t flat_sum = 0;
  for (const auto& row : r.rows) {
    flat_sum = util::wrap_add(flat_sum, row.flat);
    std::string inl = row.inline_label.empty() ? "" : " " + row.inline_label;
    out += fmt::format("{:>10} {} {} {:>10} {}  {}{}\n", r.format_value(row.flat), percentage(row.flat, r.total),
                       percentage(flat_sum, r.total), r.format_value(row.cum), percentage(row.cum, r.total), row.name,
                       inl);
  }
  return out;
}

}  // namespace ncprof::profile
