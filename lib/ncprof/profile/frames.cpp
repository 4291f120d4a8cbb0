#include "ncprof/profile/frames.hpp"
#include "ncprof/profile/labels.hpp"
#include "ncprof/profile/prune.hpp"

#include <algorithm>
#include <optional>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "ncprof/util/regex.hpp"

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

std::string path_base(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.empty()) return ".";
  auto pos = path.rfind('/');
  if (pos == std::string::npos) return path;
  if (path.size() == 1) return "/";
  return path.substr(pos + 1);
}

std::string NodeInfo::key() const {
  return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", name, address, file, start_line, lineno, objfile);
}

std::string NodeInfo::printable() const {
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
    add(fmt::format("[{}]", path_base(objfile)));
  } else {
    add("<unknown>");
  }
  return out;
}

std::string NodeInfo::sprint() const {
  return fmt::format("{{{} {} {} {} {} {} {}}}", name, "", address, file, start_line, lineno, objfile);
}

namespace {

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
  signed char cut = 0;     // 1 show_from matched, 2 prune_from matched
};

}  // namespace

Result<Frames> Frames::build(const Profile& p, const FrameOptions& opts) {
  Frames fr;
  Matcher focus("focus", opts.focus), ignore("ignore", opts.ignore), hide("hide", opts.hide), show("show", opts.show);
  Matcher show_from("show_from", opts.show_from), prune_from("prune_from", opts.prune_from);
  for (const Matcher* m : {&focus, &ignore, &hide, &show, &show_from, &prune_from}) {
    if (!m->error().empty()) return fail(ErrorKind::usage, m->error());
  }
  auto add_filter = [&fr](const char* k, const std::string& v) {
    if (!v.empty()) fr.active_filters_.push_back(fmt::format("{}={}", k, v));
  };
  add_filter("focus", opts.focus);
  add_filter("ignore", opts.ignore);
  add_filter("hide", opts.hide);
  add_filter("show", opts.show);
  add_filter("show_from", opts.show_from);
  add_filter("tagfocus", opts.tagfocus);
  add_filter("tagignore", opts.tagignore);
  add_filter("tagshow", opts.tagshow);
  add_filter("taghide", opts.taghide);
  if (!opts.tagfocus.empty() || !opts.tagignore.empty()) {
    const auto units = num_label_units(p);
    for (auto [name, value, target] : {std::tuple{"tagfocus", &opts.tagfocus, &fr.tag_focus_},
                                       std::tuple{"tagignore", &opts.tagignore, &fr.tag_ignore_}}) {
      bool range = false;
      auto f = compile_tag_filter(name, *value, units, &range);
      if (!f) return tl::unexpected(f.error());
      *target = std::move(*f);
      if (range) fr.warnings_.push_back(fmt::format("{}:Interpreted '{}' as range, not regexp", name, *value));
    }
  }

  const IdIndex map_index(p.mappings);
  const IdIndex func_index(p.functions);
  fr.loc_index_ = IdIndex(p.locations);
  auto objfile_of = [&](const Location& l) -> const std::string& {
    static const std::string none;
    if (l.mapping_id == 0) return none;
    return p.mappings[map_index.find(l.mapping_id)].filename;
  };
  auto function_of = [&](const Line& ln) -> const Function& { return p.functions[func_index.find(ln.function_id)]; };

  // Filters, per location (pprof's FilterSamplesByName).
  fr.show_from_ = show_from.active();
  fr.cutting_ = show_from.active() || prune_from.active();
  const bool filtering = fr.filtering_ = focus.active() || ignore.active() || hide.active() || show.active() ||
                                         fr.tag_focus_ || fr.tag_ignore_ || fr.cutting_;
  std::vector<LocView> views(p.locations.size());
  bool any_hidden = false;
  bool fm = false, im = false, hm = false, hnm = false, sfm = false;
  if (filtering) {
    // Cache regex results per function: [regex][function] -> -1 unknown, 0/1.
    std::vector<std::vector<signed char>> cache(6, std::vector<signed char>(p.functions.size(), -1));
    const Matcher* matchers[6] = {&focus, &ignore, &hide, &show, &show_from, &prune_from};
    constexpr int kPruneFrom = 5;
    auto line_matches = [&](int which, const Line& ln) {
      std::size_t fi = func_index.find(ln.function_id);
      signed char& c = cache[which][fi];
      if (c < 0) {
        const Function& f = p.functions[fi];
        if (which == kPruneFrom) {
          // prune_from looks at the simplified name only.
          c = !f.name.empty() && matchers[which]->match(simplify_func(f.name)) ? 1 : 0;
        } else {
          c = (matchers[which]->match(f.name) || matchers[which]->match(f.filename)) ? 1 : 0;
        }
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
      // show_from keeps a location's lines up to its root-most match (all
      // of them when its binary matches); prune_from drops the lines
      // beneath its leaf-most match.
      if (show_from.active()) {
        if (l.mapping_id != 0 && show_from.match(objfile_of(l))) {
          v.cut |= 1;
        } else {
          for (std::size_t k = v.lines.size(); k-- > 0;) {
            if (line_matches(4, v.lines[k])) {
              v.lines.resize(k + 1);
              v.cut |= 1;
              break;
            }
          }
        }
        sfm = sfm || (v.cut & 1) != 0;
      }
      if (prune_from.active()) {
        for (std::size_t k = 0; k < v.lines.size(); ++k) {
          if (line_matches(kPruneFrom, v.lines[k])) {
            v.lines.erase(v.lines.begin(), v.lines.begin() + static_cast<std::ptrdiff_t>(k));
            v.cut |= 2;
            break;
          }
        }
      }
      any_hidden = any_hidden || v.hidden;
    }
    if (focus.active() && !fm) fr.warnings_.push_back("Focus expression matched no samples");
    if (ignore.active() && !im) fr.warnings_.push_back("Ignore expression matched no samples");
    if (hide.active() && !hm) fr.warnings_.push_back("Hide expression matched no samples");
    if (show.active() && !hnm) fr.warnings_.push_back("Show expression matched no samples");
    if (show_from.active() && !sfm) fr.warnings_.push_back("ShowFrom expression matched no samples");
  }

  // Nodes: one per distinct NodeInfo at the chosen granularity; each
  // location maps to one node per line (inlined frames are nodes too).
  std::vector<FrameNode>& nodes = fr.nodes_;
  std::unordered_map<std::string, std::int32_t> node_ids;
  std::vector<std::uint32_t>& loc_offset = fr.loc_offset_;
  loc_offset.assign(p.locations.size() + 1, 0);
  std::vector<std::int32_t>& loc_nodes = fr.loc_nodes_;
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
        if (ni.name.empty() || opts.obj_names) {
          ni.objfile = obj;
          ni.start_line = f.start_line;
        }
      }
      auto [it, inserted] = node_ids.try_emplace(ni.key(), static_cast<std::int32_t>(nodes.size()));
      if (inserted) {
        FrameNode n;
        n.name = ni.printable();
        if (!lines.empty()) n.source_file = function_of(lines[li]).filename;
        n.info = std::move(ni);
        nodes.push_back(std::move(n));
      }
      if (li + 1 < k) nodes[static_cast<std::size_t>(it->second)].inlinable = true;
      loc_nodes.push_back(it->second);
    }
  }
  loc_offset[p.locations.size()] = static_cast<std::uint32_t>(loc_nodes.size());

  // What keeps() needs of each location.
  if (filtering) {
    fr.loc_focus_.resize(p.locations.size());
    fr.loc_hidden_.resize(p.locations.size());
    fr.loc_lines_.resize(p.locations.size());
    if (fr.cutting_) fr.loc_cut_.resize(p.locations.size());
    for (std::size_t i = 0; i < p.locations.size(); ++i) {
      if (fr.cutting_) fr.loc_cut_[i] = views[i].hidden ? 0 : views[i].cut;
      fr.loc_focus_[i] = views[i].focus;
      fr.loc_hidden_[i] = views[i].hidden;
      fr.loc_lines_[i] = std::move(views[i].lines);
    }
  }
  std::vector<std::int32_t>& li_code = fr.li_code_;
  li_code.resize(p.locations.size());
  for (std::size_t li = 0; li < p.locations.size(); ++li) {
    if (any_hidden && views[li].hidden) {
      li_code[li] = kHidden;
    } else if (loc_offset[li + 1] - loc_offset[li] == 1) {
      li_code[li] = loc_nodes[loc_offset[li]];
    } else {
      li_code[li] = -static_cast<std::int32_t>(li) - 2;
    }
  }
  // Whether the tag filters matched any sample the name filters kept.
  if (fr.tag_focus_ || fr.tag_ignore_) {
    bool tfm = false, tim = false;
    for (const auto& s : p.samples) {
      if (!fr.keeps_by_name(s)) continue;
      tfm = tfm || !fr.tag_focus_ || fr.tag_focus_(s);
      tim = tim || (fr.tag_ignore_ && fr.tag_ignore_(s));
    }
    if (fr.tag_focus_ && !tfm) fr.warnings_.push_back("TagFocus expression matched no samples");
    if (fr.tag_ignore_ && !tim) fr.warnings_.push_back("TagIgnore expression matched no samples");
  }
  std::uint64_t max_id = 0;
  for (const auto& l : p.locations) max_id = std::max(max_id, l.id);
  if (max_id <= p.locations.size() * 4 + 1024) {
    fr.id_code_.assign(static_cast<std::size_t>(max_id) + 1, kHidden);
    for (std::size_t li = 0; li < p.locations.size(); ++li) {
      fr.id_code_[static_cast<std::size_t>(p.locations[li].id)] = li_code[li];
    }
  }
  return fr;
}

bool Frames::keeps(const Sample& s) const {
  // pprof's FilterSamplesByName always runs: a sample with no location is
  // never "focused", so it goes even without filters.
  if (s.location_ids.empty()) return false;
  if (!filtering_) return true;
  if (!keeps_by_name(s)) return false;
  if (tag_focus_ && !tag_focus_(s)) return false;
  return !(tag_ignore_ && tag_ignore_(s));
}

bool Frames::keeps_by_name(const Sample& s) const {
  bool focused = false, any_left = false;
  for (auto id : s.location_ids) {
    const std::size_t li = loc_index_.find(id);
    const signed char f = loc_focus_[li];
    if (f == 0) return false;
    focused = focused || f == 1;
    any_left = any_left || !loc_hidden_[li];
  }
  if (show_from_ && focused && any_left) return cut_range(s).second > 0;
  return focused && any_left;
}

std::pair<std::size_t, std::size_t> Frames::cut_range(const Sample& s) const {
  std::size_t lo = 0, hi = s.location_ids.size();
  if (show_from_) {
    // The root-most location show_from matched ends the stack.
    while (hi > 0 && (loc_cut_[loc_index_.find(s.location_ids[hi - 1])] & 1) == 0) --hi;
  }
  // The leaf-most location prune_from matched starts it.
  for (std::size_t f = 0; f < hi; ++f) {
    if (loc_cut_[loc_index_.find(s.location_ids[f])] & 2) {
      lo = f;
      break;
    }
  }
  return {lo, hi};
}

Profile Frames::filtered(const Profile& p) const {
  Profile out = p;
  if (!filtering_) {
    std::erase_if(out.samples, [](const Sample& s) { return s.location_ids.empty(); });
    return out;
  }
  for (std::size_t i = 0; i < out.locations.size(); ++i) out.locations[i].lines = loc_lines_[i];
  std::erase_if(out.samples, [this](const Sample& s) { return !keeps(s); });
  for (auto& s : out.samples) {
    if (cutting_) {
      const auto [lo, hi] = cut_range(s);
      s.location_ids.erase(s.location_ids.begin() + static_cast<std::ptrdiff_t>(hi), s.location_ids.end());
      s.location_ids.erase(s.location_ids.begin(), s.location_ids.begin() + static_cast<std::ptrdiff_t>(lo));
    }
    std::erase_if(s.location_ids, [this](LocationRef id) { return loc_hidden_[loc_index_.find(id)] != 0; });
  }
  return out;
}

}  // namespace ncprof::profile
