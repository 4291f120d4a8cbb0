#include "ncprof/profile/top.hpp"

#include <algorithm>
#include <ctime>
#include <limits>
#include <memory>
#include <unordered_map>

#include <fmt/format.h>

#include "ncprof/profile/measure.hpp"
#include "ncprof/profile/merge.hpp"
#include "ncprof/util/regex.hpp"
#include "ncprof/util/arith.hpp"

namespace ncprof::profile {

namespace {

struct Node {
  const FrameNode* frame = nullptr;
  std::int64_t flat = 0;
  std::int64_t cum = 0;
  // pprof's FlatDiv and CumDiv (with -mean): what flat and cum print divided by.
  std::int64_t flat_div = 0;
  std::int64_t cum_div = 0;
  std::int64_t flat_value() const { return flat_div == 0 ? flat : util::wrap_div(flat, flat_div); }
  std::int64_t cum_value() const { return cum_div == 0 ? cum : util::wrap_div(cum, cum_div); }
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

Result<ReportBasis> report_basis(const Profile& p, const std::string& sample_index, const std::string& output_unit,
                                 bool mean) {
  if (p.sample_types.empty()) return fail(ErrorKind::bad_input, "profile has no samples");
  auto index = find_sample_index(p, sample_index);
  if (!index) {
    return fail(ErrorKind::usage, fmt::format("sample index '{}' must be one of: {} (or 0..{})", sample_index,
                                              sample_type_names(p), p.sample_types.size() - 1));
  }
  ReportBasis b;
  b.index = *index;
  b.report.sample_type = p.sample_types[b.index].type;
  b.report.sample_unit = p.sample_types[b.index].unit;
  b.report.output_unit = output_unit.empty() ? "minimum" : output_unit;
  b.mean = mean;
  if (mean) b.report.sample_type = "mean_" + b.report.sample_type;
  // The total is taken before any filter, as pprof does; a -diff_base
  // profile is measured against its base.
  std::int64_t total = 0, diff_total = 0, div = 0, diff_div = 0;
  for (const auto& s : p.samples) {
    std::int64_t v = abs64(s.values[b.index]);
    const std::int64_t d = mean ? s.values[0] : 0;
    total = util::wrap_add(total, v);
    div = util::wrap_add(div, d);
    if (is_base_sample(s)) {
      diff_total = util::wrap_add(diff_total, v);
      diff_div = util::wrap_add(diff_div, d);
    }
  }
  if (diff_total > 0) {
    total = diff_total;
    div = diff_div;
  }
  b.report.total = div != 0 ? util::wrap_div(total, div) : total;
  return b;
}

Result<Selection> select_frames(const Profile& p, const TopOptions& opts) {
  auto basis = report_basis(p, opts.sample_index, opts.output_unit, opts.mean);
  if (!basis) return tl::unexpected(basis.error());
  auto frames = Frames::build(p, opts.frame_options());
  if (!frames) return tl::unexpected(frames.error());
  return Selection{std::move(*basis), std::move(*frames)};
}

Result<TopReport> compute_top(const Profile& p, const TopOptions& opts) {
  auto basis = report_basis(p, opts.sample_index, opts.output_unit, opts.mean);
  if (!basis) return tl::unexpected(basis.error());
  const std::size_t si = basis->index;
  TopReport r = std::move(basis->report);

  auto frames = Frames::build(p, opts.frame_options());
  if (!frames) return tl::unexpected(frames.error());
  r.active_filters = frames->active_filters();
  r.warnings = frames->warnings();
  std::vector<Node> nodes(frames->nodes().size());
  for (std::size_t n = 0; n < nodes.size(); ++n) nodes[n].frame = &frames->nodes()[n];
  auto walk = [&frames](const Sample& s, auto&& fn) { frames->walk(s, fn); };

  // Which samples count; frames are walked in place later (no copy of the
  // stacks: they are most of a large profile's memory).
  std::vector<char> used(p.samples.size(), 0);
  for (std::size_t i = 0; i < p.samples.size(); ++i) {
    const Sample& s = p.samples[i];
    used[i] = (s.values[si] != 0 || (opts.mean && s.values[0] != 0)) && frames->keeps(s);
  }

  // Frames of each node, on inlinable nodes only: at most this many
  // call-edge visits into it below.
  std::vector<std::size_t> frames_of(nodes.size(), 0);
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
      const std::int64_t d = opts.mean ? p.samples[i].values[0] : 0;
      std::int32_t leaf = -1;
      walk(p.samples[i], [&](std::int32_t n, bool) {
        const auto k = static_cast<std::size_t>(n);
        if (stamp[k] != mark) {
          stamp[k] = mark;
          cum[k] = util::wrap_add(cum[k], w);
          if (d != 0) nodes[k].cum_div = util::wrap_add(nodes[k].cum_div, d);
        }
        frames_of[k] += opts.with_edges || nodes[k].frame->inlinable;
        leaf = n;
      });
      if (leaf >= 0) {
        const auto k = static_cast<std::size_t>(leaf);
        flat[k] = util::wrap_add(flat[k], w);
        if (d != 0) nodes[k].flat_div = util::wrap_add(nodes[k].flat_div, d);
      }
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
    if (opts.drop_negative && is_negative_node(nodes[n].flat, nodes[n].cum)) continue;
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
    if (l.frame->name != rr.frame->name) return l.frame->name < rr.frame->name;
    if (abs64(l.cum) != abs64(rr.cum)) return abs64(l.cum) > abs64(rr.cum);
    return l.frame->info.sprint() < rr.frame->info.sprint();
  };
  auto by_cum = [&](std::int32_t a, std::int32_t b) {
    const Node& l = nodes[static_cast<std::size_t>(a)];
    const Node& rr = nodes[static_cast<std::size_t>(b)];
    if (abs64(l.cum) != abs64(rr.cum)) return abs64(l.cum) > abs64(rr.cum);
    if (l.frame->name != rr.frame->name) return l.frame->name < rr.frame->name;
    if (abs64(l.flat) != abs64(rr.flat)) return abs64(l.flat) > abs64(rr.flat);
    return l.frame->info.sprint() < rr.frame->info.sprint();
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
  // With with_edges every call edge is wanted, not only those into
  // inlinable nodes.
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    if (kept[n] && (opts.with_edges || nodes[n].frame->inlinable)) kept[n] = 2;
  }
  for (auto n : graph) {
    const bool inlinable = opts.with_edges || nodes[static_cast<std::size_t>(n)].frame->inlinable;
    kept[static_cast<std::size_t>(n)] = inlinable ? 2 : 1;
    need_edges = need_edges || inlinable;
  }
  std::vector<std::vector<std::pair<std::int32_t, TopEdge>>> callers, callees;  // by node: (other node, edge)
  if (opts.with_edges) {
    callers.resize(nodes.size());
    callees.resize(nodes.size());
  }
  std::vector<std::string> labels(nodes.size());
  if (need_edges) {
    // Every visit of a call edge into an inlinable node, once per sample
    // (recursion repeats an edge), written into its destination's bucket,
    // then each bucket sorted so that each edge's visits add up: a flat
    // array is a fraction of the memory of a hash table with an entry per
    // edge (most edges are visited once or twice), and sorting small
    // buckets in cache is several times faster than sorting the array.
    // key: dest << 32 | parent << 1 | not-inlined.
    struct Visit {
      std::uint64_t key;
      std::int64_t weight;
    };
    // Bucket n holds at most frames_of[n] visits: [start[n], end[n]).
    std::vector<std::size_t> start(nodes.size() + 1, 0);
    for (std::size_t n = 0; n < nodes.size(); ++n) start[n + 1] = start[n] + (kept[n] == 2 ? frames_of[n] : 0);
    std::vector<std::size_t> end(start.begin(), start.end() - 1);
    std::unique_ptr<Visit[]> visits(new Visit[start.back()]);  // uninitialised: only [start, end) is read
    std::vector<std::size_t> this_sample;  // where this sample's visits went
    std::vector<std::uint32_t> dest_stamp(nodes.size(), 0);
    std::uint32_t mark = 0;
    for (std::size_t i = 0; i < p.samples.size(); ++i) {
      if (!used[i]) continue;
      ++mark;
      this_sample.clear();
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
            for (std::size_t k = 0; k < this_sample.size() && !repeated; ++k) {
              repeated = (visits[this_sample[k]].key >> 1) == (key >> 1);
            }
          }
          st = mark;
          if (!repeated) {
            const std::size_t at = end[static_cast<std::size_t>(n)]++;
            visits[at] = Visit{key, w};
            this_sample.push_back(at);
          }
        }
        parent = n;
      });
    }
    std::vector<signed char> has_inline(nodes.size(), 0), has_plain(nodes.size(), 0);
    // Buckets in node order, each in parent order: the edges come out
    // sorted by (dest, parent).
    for (std::size_t b = 0; b < nodes.size(); ++b) {
      std::sort(visits.get() + start[b], visits.get() + end[b],
                [](const Visit& x, const Visit& y) { return (x.key >> 1) < (y.key >> 1); });
      for (std::size_t k = start[b]; k < end[b];) {
        std::int64_t weight = 0;
        bool inline_all = true;
        std::size_t e = k;
        for (; e < end[b] && (visits[e].key >> 1) == (visits[k].key >> 1); ++e) {
          weight = util::wrap_add(weight, visits[e].weight);
          inline_all = inline_all && (visits[e].key & 1) == 0;
        }
        if (abs64(weight) >= edge_cutoff) {
          (inline_all ? has_inline : has_plain)[b] = 1;
          if (opts.with_edges) {
            const auto src = static_cast<std::int32_t>((visits[k].key >> 1) & 0x7fffffffu);
            callers[b].push_back({src, TopEdge{nodes[static_cast<std::size_t>(src)].frame->name, weight, inline_all}});
            callees[static_cast<std::size_t>(src)].push_back(
                {static_cast<std::int32_t>(b), TopEdge{nodes[b].frame->name, weight, inline_all}});
          }
        }
        k = e;
      }
    }
    for (auto n : graph) {
      auto i = static_cast<std::size_t>(n);
      if (has_inline[i]) labels[i] = has_plain[i] ? "(partial-inline)" : "(inline)";
    }
  }

  // Output unit: pprof's "minimum" selection, unless one was asked for.
  if (r.output_unit == "minimum") {
    std::int64_t min_value = 0;
    for (auto n : graph) {
      const Node& x = nodes[static_cast<std::size_t>(n)];
      std::int64_t v = abs64(x.flat_value());
      if (v == 0) v = abs64(x.cum_value());
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

  // pprof's edgeList order: |weight| first, then the names.
  auto edges_of = [&](std::vector<std::pair<std::int32_t, TopEdge>>& list) {
    std::sort(list.begin(), list.end(), [&](const auto& a, const auto& b) {
      if (a.second.weight != b.second.weight && abs64(a.second.weight) != abs64(b.second.weight)) {
        return abs64(a.second.weight) > abs64(b.second.weight);
      }
      if (a.second.name != b.second.name) return a.second.name < b.second.name;
      return nodes[static_cast<std::size_t>(a.first)].frame->info.sprint() <
             nodes[static_cast<std::size_t>(b.first)].frame->info.sprint();
    });
    std::vector<TopEdge> out;
    out.reserve(list.size());
    for (auto& e : list) out.push_back(std::move(e.second));
    return out;
  };
  for (auto n : graph) {
    const auto i = static_cast<std::size_t>(n);
    const Node& x = nodes[i];
    r.rows.push_back(TopRow{x.frame->name, labels[i], x.flat_value(), x.cum_value(), {}, {}});
    if (opts.with_edges) {
      r.rows.back().callers = edges_of(callers[i]);
      r.rows.back().callees = edges_of(callees[i]);
    }
    r.shown_flat = util::wrap_add(r.shown_flat, x.flat_value());
  }
  return r;
}

std::vector<std::string> profile_header(const Profile& p, const TopReport& r) {
  std::vector<std::string> out;
  if (!p.mappings.empty()) {
    if (!p.mappings[0].filename.empty()) out.push_back("File: " + path_base(p.mappings[0].filename));
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

std::vector<std::string> top_labels(const Profile& p, const TopReport& r) {
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
  return labels;
}

std::string render_top_text(const Profile& p, const TopReport& r) {
  const std::vector<std::string> labels = top_labels(p, r);
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
