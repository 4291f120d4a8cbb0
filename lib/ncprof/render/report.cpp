#include "ncprof/render/report.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ncprof/profile/measure.hpp"
#include "ncprof/render/assets.hpp"
#include "ncprof/util/arith.hpp"

namespace ncprof::render {

using nlohmann::json;

namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON that can sit inside <script type="application/json">: no "</"
// (which would end the element) and no "<!--"; "\/" is valid JSON.
std::string script_safe_json(const json& doc) {
  std::string text = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 64);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && (text[i + 1] == '/' || text[i + 1] == '!')) {
      out += "\\u003c";
    } else {
      out += text[i];
    }
  }
  return out;
}

// Flat and cum per row name, for the Base and New columns.
struct SideRow {
  std::int64_t flat = 0, cum = 0;
};
Result<std::unordered_map<std::string, SideRow>> side_rows(const profile::Profile& p, profile::TopOptions o) {
  o.trim = false;
  o.node_count = 0;
  auto r = profile::compute_top(p, o);
  if (!r) return tl::unexpected(r.error());
  std::unordered_map<std::string, SideRow> out;
  for (const auto& row : r->rows) out[row.name] = SideRow{row.flat, row.cum};
  return out;
}

Result<json> table_json(const ReportInput& in, std::size_t type) {
  profile::TopOptions o = in.top;
  o.sample_index = std::to_string(type);
  const profile::Profile& p = in.table_profile ? *in.table_profile : *in.profile;
  auto r = profile::compute_top(p, o);
  if (!r) return tl::unexpected(r.error());
  std::unordered_map<std::string, SideRow> news, bases;
  if (in.current && in.base) {
    auto n = side_rows(*in.current, o);
    if (!n) return tl::unexpected(n.error());
    auto b = side_rows(*in.base, o);
    if (!b) return tl::unexpected(b.error());
    news = std::move(*n);
    bases = std::move(*b);
  }
  json rows = json::array();
  std::int64_t sum = 0;
  // The cells as `ncprof top` prints them.
  auto pct = [&r](std::int64_t v) {
    std::string s = profile::percentage(v, r->total);
    s.erase(0, s.find_first_not_of(' '));
    return s;
  };
  for (const auto& row : r->rows) {
    sum = util::wrap_add(sum, row.flat);
    json j = {{"name", row.name},
              {"inline", row.inline_label},
              {"flat", row.flat},
              {"cum", row.cum},
              {"flat_text", r->format_value(row.flat)},
              {"cum_text", r->format_value(row.cum)},
              {"flat_pct", pct(row.flat)},
              {"sum_pct", pct(sum)},
              {"cum_pct", pct(row.cum)}};
    if (in.current && in.base) {
      const SideRow n = news.count(row.name) ? news[row.name] : SideRow{};
      const SideRow b = bases.count(row.name) ? bases[row.name] : SideRow{};
      j["new_flat"] = n.flat;
      j["new_cum"] = n.cum;
      j["base_flat"] = b.flat;
      j["base_cum"] = b.cum;
    }
    rows.push_back(std::move(j));
  }
  return json{{"header", profile::profile_header(p, *r)},
              {"total", r->total},
              {"total_text", r->format_value(r->total)},
              {"shown_text", r->format_value(r->shown_flat)},
              {"dropped_nodes", r->dropped_nodes},
              {"unit", r->sample_unit},
              {"output_unit", r->output_unit},
              {"rows", std::move(rows)}};
}

json timelines_json(const std::vector<Timeline>& timelines) {
  json out = json::array();
  for (const auto& t : timelines) {
    json points = json::array();
    for (const auto& p : t.points) {
      points.push_back({{"t", p.time_unix_ms},
                        {"heap_mb", p.heap_mb < 0 ? json() : json(p.heap_mb)},
                        {"goroutines", p.goroutines < 0 ? json() : json(p.goroutines)},
                        {"warmup", p.warmup},
                        {"snapshot", p.snapshot}});
    }
    out.push_back({{"service", t.service},
                   {"verdict", t.verdict},
                   {"reason", t.reason},
                   {"points", std::move(points)},
                   {"fit_from", t.fit_from_ms},
                   {"heap_slope_mb_per_hour", t.heap_slope_mb_per_hour},
                   {"heap_intercept_mb", t.heap_intercept_mb},
                   {"goroutine_slope_per_hour", t.goroutine_slope_per_hour},
                   {"goroutine_intercept", t.goroutine_intercept}});
  }
  return out;
}

// Fills each marker of the template once, at its place in the template
// (never inside text already filled in: a function name may hold a marker).
std::string fill_template(std::string_view tpl, const std::vector<std::pair<std::string_view, std::string_view>>& fills) {
  std::vector<std::pair<std::size_t, std::size_t>> at;  // position in tpl, fill index
  for (std::size_t i = 0; i < fills.size(); ++i) {
    const auto pos = tpl.find(fills[i].first);
    if (pos != std::string_view::npos) at.emplace_back(pos, i);
  }
  std::sort(at.begin(), at.end());
  std::string out;
  std::size_t from = 0;
  for (const auto& [pos, i] : at) {
    out.append(tpl.substr(from, pos - from));
    out.append(fills[i].second);
    from = pos + fills[i].first.size();
  }
  out.append(tpl.substr(from));
  return out;
}

// What the page draws of one profile: the flame tree, one table per
// sample type and the header's facts.
Result<json> view_json(const ReportInput& in, ReportStats* stats) {
  const profile::Profile& p = *in.profile;
  if (p.sample_types.empty()) return fail(ErrorKind::bad_input, "profile has no sample types");
  auto tree = build_flame_tree(p, in.flame);
  if (!tree) return tl::unexpected(tree.error());
  auto first = profile::find_sample_index(p, in.top.sample_index);
  if (!first) {
    return fail(ErrorKind::usage, fmt::format("sample index '{}' must be one of: {} (or 0..{})", in.top.sample_index,
                                              profile::sample_type_names(p), p.sample_types.size() - 1));
  }

  // One table per sample type, computed side by side (each is a full
  // pass over the samples; the profile is only read).
  const std::size_t ntypes = p.sample_types.size();
  std::vector<Result<json>> results(ntypes, fail(ErrorKind::internal, "not computed"));
  {
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t ty; (ty = next++) < ntypes;) results[ty] = table_json(in, ty);
    };
    const std::size_t workers = std::min<std::size_t>(ntypes, std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  }
  json types = json::array();
  json tables = json::array();
  for (std::size_t ty = 0; ty < ntypes; ++ty) {
    types.push_back({{"type", p.sample_types[ty].type}, {"unit", p.sample_types[ty].unit}});
    if (!results[ty]) return tl::unexpected(results[ty].error());
    tables.push_back(std::move(*results[ty]));
  }
  std::vector<std::string> filters;
  for (const auto& [k, v] : {std::pair<const char*, const std::string*>{"focus", &in.top.focus},
                             {"ignore", &in.top.ignore},
                             {"hide", &in.top.hide},
                             {"show", &in.top.show}}) {
    if (!v->empty()) filters.push_back(fmt::format("{}={}", k, *v));
  }
  if (stats) stats->nodes = tree->size();
  return json{{"files", in.files},
              {"base_files", in.base_files},
              {"diff_mode", in.diff_mode},
              {"time_nanos", p.time_nanos},
              {"duration_nanos", p.duration_nanos},
              {"sample_count", p.samples.size()},
              {"types", types},
              {"default_type", *first},
              {"prune",
               {{"min_fraction", in.flame.min_fraction},
                {"residue_nodes", tree->residue_nodes},
                {"folded_nodes", tree->folded_nodes},
                {"capped", tree->capped},
                {"max_nodes", in.flame.max_nodes}}},
              {"names", tree->names},
              {"files_of_names", tree->files},
              {"parent", tree->parent},
              {"name", tree->name},
              {"value", tree->value},
              {"base", tree->has_base ? json(tree->base) : json()},
              {"tables", std::move(tables)},
              {"active_filters", filters}};
}

}  // namespace

Result<std::string> render_report_html(const ReportInput& in, ReportStats* stats) {
  auto view = view_json(in, stats);
  if (!view) return tl::unexpected(view.error());
  json doc = std::move(*view);
  doc["version"] = 1;
  doc["title"] = in.title;
  doc["timelines"] = timelines_json(in.timelines);
  json snapshots = json::array();
  for (const auto& s : in.snapshots) snapshots.push_back({{"label", s.label}, {"view", s.view}});
  doc["snapshots"] = std::move(snapshots);

  const std::string title = html_escape(in.title);
  const std::string data = script_safe_json(doc);
  std::string page = fill_template(assets::report_html(), {{"@TITLE@", title},
                                                           {"/*@CSS@*/", assets::report_css()},
                                                           {"@DATA@", data},
                                                           {"/*@JS@*/", assets::report_js()}});
  if (stats) stats->bytes = page.size();
  return page;
}

Result<Snapshot> make_snapshot(const profile::Profile& p, std::string label, const profile::TopOptions& top,
                               std::size_t max_nodes) {
  ReportInput in;
  in.profile = &p;
  in.top = top;
  in.flame.max_nodes = max_nodes;
  in.flame.frames = top.frame_options();
  auto view = view_json(in, nullptr);
  if (!view) return tl::unexpected(view.error());
  return Snapshot{std::move(label), std::move(*view)};
}

}  // namespace ncprof::render
