#include "commands/analysis.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ncprof/profile/labels.hpp"
#include "ncprof/profile/merge.hpp"
#include "ncprof/profile/prune.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::app {

void TopFlags::add_selection_to(CLI::App& cmd) {
  cmd.add_option("--sample-index", sample_index, "Sample type to report, by name (inuse_space) or number (default: the profile's default type, else the last, as pprof)");
  cmd.add_option("--focus", focus, "Only samples with a frame matching this regexp");
  cmd.add_option("--ignore", ignore, "Drop samples with a frame matching this regexp");
  cmd.add_option("--hide", hide, "Remove frames matching this regexp");
  cmd.add_option("--show", show, "Keep only frames matching this regexp");
  cmd.add_option("--granularity", granularity, "functions, lines, files or addresses")
      ->check(CLI::IsMember({"functions", "lines", "files", "addresses"}))
      ->capture_default_str();
  cmd.add_option("--tagfocus", tagfocus,
                 "Only samples with a label matching: RE[,RE] on key:value, key=RE, or a value range such as 1kb:1mb");
  cmd.add_option("--tagignore", tagignore, "Drop samples with a label matching (the forms of --tagfocus)");
  cmd.add_option("--unit", unit, "Unit of the values shown: minimum, auto, or a unit such as kB, MB, ms, s")
      ->capture_default_str();
  cmd.add_option("--tagshow", tagshow, "Keep only labels whose key matches this regexp");
  cmd.add_option("--taghide", taghide, "Remove labels whose key matches this regexp");
  cmd.add_option("--show-from", show_from, "Drop the frames above the root-most frame matching this regexp");
  cmd.add_option("--prune-from", prune_from, "Drop the frames beneath the frame matching this regexp");
}

void TopFlags::add_value_options_to(CLI::App& cmd) {
  cmd.add_flag("--mean", mean, "Show each value divided by the sample count (the first sample type), as pprof -mean");
  cmd.add_flag("--drop-negative", drop_negative, "Leave out rows whose value is negative (of a --base difference)");
}

void BaseFlags::add_to(CLI::App& cmd, const std::string& base_help, const std::string& diff_help) {
  auto* b = cmd.add_option("--base", base, base_help);
  auto* d = cmd.add_option("--diff-base", diff_base, diff_help);
  b->excludes(d);
  cmd.add_flag("--normalize", normalize, "Scale the profile to the base's total before subtracting (pprof -normalize)");
}

Result<void> apply_base(profile::Profile& p, const BaseFlags& flags, const std::string& source,
                        const profile::DecodeOptions& opts, profile::SampleUse use) {
  if (flags.file().empty()) {
    if (flags.normalize) return fail(ErrorKind::usage, "--normalize scales to a base: give --base or --diff-base");
    return {};
  }
  auto b = profile::read_profile(flags.file(), opts);
  if (!b) return tl::unexpected(b.error());
  auto diff = profile::subtract_base(std::move(p), std::move(*b), !flags.diff_base.empty(), source, flags.file(),
                                     flags.normalize, use);
  if (!diff) return tl::unexpected(diff.error());
  p = std::move(*diff);
  return {};
}

void TopFlags::add_to(CLI::App& cmd, bool with_format, bool with_values) {
  add_selection_to(cmd);
  if (with_values) add_value_options_to(cmd);
  cmd.add_option("--nodecount", nodecount, "Show at most N nodes (0: all)")->check(at_least(0))->capture_default_str();
  cmd.add_option("--nodefraction", nodefraction, "Drop nodes whose cum is below this fraction of the total")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd.add_flag("--cum", cum, "Sort by cumulative value");
  cmd.add_flag("--no-trim", no_trim, "Keep nodes below 0.5% of the total");
  if (with_format) {
    cmd.add_option("--format", format, "text or json")->check(format_choice({"text", "json"}))->capture_default_str();
  }
}

Result<profile::TopOptions> TopFlags::options() const {
  profile::TopOptions o;
  o.sample_index = sample_index;
  o.node_count = nodecount;
  o.cum_sort = cum;
  o.focus = focus;
  o.ignore = ignore;
  o.hide = hide;
  o.show = show;
  o.tagfocus = tagfocus;
  o.tagignore = tagignore;
  o.tagshow = tagshow;
  o.taghide = taghide;
  o.show_from = show_from;
  o.prune_from = prune_from;
  o.mean = mean;
  o.drop_negative = drop_negative;
  o.output_unit = unit;
  o.node_fraction = nodefraction;
  o.trim = !no_trim;
  auto g = profile::parse_granularity(granularity);
  if (!g) return tl::unexpected(g.error());
  o.granularity = *g;
  return o;
}

Result<profile::DecodeOptions> decode_options(const GlobalOptions& global) {
  auto size = util::parse_size(global.max_decompressed);
  if (!size) return tl::unexpected(size.error());
  profile::DecodeOptions o;
  o.max_decompressed = *size;
  return o;
}

Result<profile::Profile> load_for_report(const std::vector<std::string>& files, const BaseFlags& base,
                                         const profile::DecodeOptions& opts, const profile::TopOptions* opts_tags) {
  auto p = load_merged(files, opts, true);
  if (!p) return tl::unexpected(p.error());
  if (auto ok = apply_base(*p, base, files[0], opts); !ok) return tl::unexpected(ok.error());
  if (opts_tags && (!opts_tags->tagshow.empty() || !opts_tags->taghide.empty())) {
    bool shown = false, hidden = false;
    if (auto ok = profile::filter_tags_by_name(*p, opts_tags->tagshow, opts_tags->taghide, &shown, &hidden); !ok) {
      return tl::unexpected(ok.error());
    }
    if (!opts_tags->tagshow.empty() && !shown) warn("TagShow expression matched no samples");
    if (!opts_tags->taghide.empty() && !hidden) warn("TagHide expression matched no samples");
  }
  if (!p->drop_frames.empty()) {
    if (auto ok = profile::remove_uninteresting(*p); !ok) {
      Error e = ok.error();
      e.message = fmt::format("{}: {}", fmt::join(files, ", "), e.message);
      return tl::unexpected(e);
    }
  }
  return p;
}

Result<profile::Profile> load_merged(const std::vector<std::string>& files, const profile::DecodeOptions& opts,
                                     bool merge_one, profile::SampleUse use) {
  std::vector<profile::Profile> profiles;
  profiles.reserve(files.size());
  for (const auto& f : files) {
    auto p = profile::read_profile(f, opts);
    if (!p) return tl::unexpected(p.error());
    profiles.push_back(std::move(*p));
  }
  if (profiles.size() == 1 && !merge_one) return std::move(profiles[0]);
  return profile::merge_owned_profiles(std::move(profiles), files, use);
}

nlohmann::json top_rows_json(const profile::TopReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  std::int64_t sum = 0;
  auto pct = [&](std::int64_t v) {
    return report.total == 0 ? 0.0 : static_cast<double>(v) / static_cast<double>(report.total) * 100.0;
  };
  for (const auto& r : report.rows) {
    sum += r.flat;
    rows.push_back({{"name", r.name},
                    {"inline", r.inline_label},
                    {"flat", r.flat},
                    {"flat_pct", pct(r.flat)},
                    {"sum_pct", pct(sum)},
                    {"cum", r.cum},
                    {"cum_pct", pct(r.cum)}});
  }
  return rows;
}

int print_top(const profile::Profile& original, const TopFlags& flags, const std::vector<std::string>& sources,
              const nlohmann::json& extra) {
  auto opts = flags.options();
  if (!opts) return report_error(opts.error());
  // Frames the profile itself asks to drop (drop_frames), as pprof does.
  const profile::Profile* view = &original;
  profile::Profile pruned;
  if (!original.drop_frames.empty()) {
    pruned = original;
    if (auto ok = profile::remove_uninteresting(pruned); !ok) {
      Error e = ok.error();
      e.message = fmt::format("{}: {}", fmt::join(sources, ", "), e.message);
      return report_error(e);
    }
    view = &pruned;
  }
  const profile::Profile& p = *view;
  auto report = profile::compute_top(p, *opts);
  if (!report) {
    Error e = report.error();
    e.message = fmt::format("{}: {}", fmt::join(sources, ", "), e.message);
    return report_error(e);
  }
  for (const auto& w : report->warnings) warn(w);
  if (flags.format == "json") {
    nlohmann::json rows = top_rows_json(*report);
    nlohmann::json doc = {{"files", sources},
                          {"sample_type", report->sample_type},
                          {"unit", report->sample_unit},
                          {"total", report->total},
                          {"shown", report->shown_flat},
                          {"dropped_nodes", report->dropped_nodes},
                          {"duration_nanos", p.duration_nanos},
                          {"time_nanos", p.time_nanos},
                          {"active_filters", report->active_filters},
                          {"rows", rows}};
    if (extra.is_object()) doc.update(extra);
    fmt::print("{}\n", json_text(doc));
  } else {
    std::string text = profile::render_top_text(p, *report);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return kExitOk;
}

}  // namespace ncprof::app
