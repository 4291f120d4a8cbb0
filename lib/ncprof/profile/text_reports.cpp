#include "ncprof/profile/text_reports.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "ncprof/profile/frames.hpp"
#include "ncprof/profile/labels.hpp"
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


// A sample's labels as pprof's maps hold them: key -> values in order.
using LabelMap = std::map<std::string, std::vector<std::string>>;

}  // namespace

namespace {

// What both reports walk the samples with.
struct WalkInputs {
  Selection sel;
  std::map<std::string, std::string> units;
};

Result<WalkInputs> walk_inputs(const Profile& p, const TopOptions& opts, std::vector<std::string>* warnings) {
  auto sel = select_frames(p, opts);
  if (!sel) return tl::unexpected(sel.error());
  if (warnings) *warnings = sel->frames.warnings();
  return WalkInputs{std::move(*sel), num_label_units(p)};
}

}  // namespace

Result<std::string> render_traces(const Profile& p, const TopOptions& opts, std::vector<std::string>* warnings) {
  auto in = walk_inputs(p, opts, warnings);
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
    const std::string value = r.format_value(sel.basis.value_of(s));
    for (std::size_t i = stack.size(); i-- > 0;) {
      const auto& [node, is_inline] = stack[i];
      out += fmt::format("{}   {}{}\n", pad10(i + 1 == stack.size() ? value : ""), sel.frames.nodes()[static_cast<std::size_t>(node)].name,
                         is_inline ? " (inline)" : "");
    }
  }
  out += separator;
  return out;
}

Result<std::string> render_tags(const Profile& p, const TopOptions& opts, std::vector<std::string>* warnings) {
  auto in = walk_inputs(p, opts, warnings);
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

Result<std::string> render_peek(const Profile& p, const TopOptions& opts, const std::string& pattern,
                                std::vector<std::string>* warnings) {
  auto re = util::Regex::compile(pattern, "peek");
  if (!re) return tl::unexpected(re.error());
  // pprof's peek: top's graph untrimmed, every node with its edges.
  TopOptions o = opts;
  o.trim = false;
  o.node_count = 0;
  o.with_edges = true;
  auto r = compute_top(p, o);
  if (!r) return tl::unexpected(r.error());
  if (warnings) *warnings = r->warnings;
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

namespace {

// filepath.SplitList: ':'-separated, an empty string is no entry.
std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::size_t from = 0;
  while (true) {
    const std::size_t c = s.find(':', from);
    out.push_back(s.substr(from, c == std::string::npos ? std::string::npos : c - from));
    if (c == std::string::npos) break;
    from = c + 1;
  }
  return out;
}

std::string path_join(const std::string& a, const std::string& b) {
  if (a.empty()) return clean_path(b);
  return clean_path(a + "/" + b);
}

// pprof's trimPath.
std::string trim_source_path(const std::string& path, const std::string& trim, const std::string& search) {
  if (trim.empty()) {
    for (const auto& dir : split_list(search)) {
      const std::string want = "/" + path_base(dir) + "/";
      if (auto found = path.find(want); found != std::string::npos) return path.substr(found + want.size());
    }
  }
  std::vector<std::string> trims = split_list(trim);
  trims.push_back("/proc/self/cwd/./");
  trims.push_back("/proc/self/cwd/");
  for (auto t : trims) {
    if (t.empty() || t.back() != '/') t += '/';
    if (path.rfind(t, 0) == 0) return path.substr(t.size());
  }
  return path;
}

// Go's wording of the errno an open failed with.
std::string go_errno_text(int e) {
  switch (e) {
    case ENOENT: return "no such file or directory";
    case EACCES: return "permission denied";
    case EISDIR: return "is a directory";
    case ENOTDIR: return "not a directory";
    default: {
      std::string s = std::strerror(e);
      if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
      return s;
    }
  }
}

bool read_lines(const std::string& path, std::vector<std::string>& lines, int* err) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    // Go opens a directory, then reads nothing from it.
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = errno ? errno : ENOENT;
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // bufio.ScanLines drops a CR
    lines.push_back(line);
  }
  return true;
}

// pprof's sourceReader, with ncprof's Go roots searched after it fails.
class SourceReader {
 public:
  explicit SourceReader(const SourceOptions& o) : o_(o) {}

  // Line `lineno` of `path`, or nullptr past the end (or on an error).
  const std::string* line(const std::string& path, std::int64_t lineno) {
    auto it = files_.find(path);
    if (it == files_.end()) it = files_.emplace(path, load(path)).first;
    const auto& lines = it->second;
    if (lineno <= 0 || static_cast<std::size_t>(lineno) >= lines.size()) return nullptr;
    return &lines[static_cast<std::size_t>(lineno)];
  }
  const std::string* error(const std::string& path) const {
    auto it = errors_.find(path);
    return it == errors_.end() ? nullptr : &it->second;
  }

 private:
  std::vector<std::string> load(const std::string& original) {
    std::vector<std::string> lines = {""};
    int err = 0;
    const std::string path = trim_source_path(original, o_.trim_path, o_.search_path);
    if (!path.empty() && path[0] == '/') {
      if (read_lines(path, lines, &err)) return lines;
      if (from_go_roots(original, lines)) return lines;
      errors_[original] = "open " + path + ": " + go_errno_text(err);
      return lines;
    }
    for (auto dir : split_list(o_.search_path)) {
      while (true) {
        if (read_lines(path_join(dir, path), lines, &err)) return lines;
        const std::string parent = dir.find('/') == std::string::npos ? "." : clean_path(dir + "/..");
        if (parent == dir) break;
        dir = parent;
      }
    }
    if (from_go_roots(original, lines)) return lines;
    errors_[original] = "could not find file " + path + " on path " + o_.search_path;
    return lines;
  }

  // A Go source recorded on another machine: GOROOT/src/... or a module
  // cache's pkg/mod/..., found under the local ones.
  bool from_go_roots(const std::string& path, std::vector<std::string>& lines) {
    for (const char* marker : {"/src/", "/pkg/mod/"}) {
      const auto at = path.rfind(marker);
      if (at == std::string::npos) continue;
      const std::string rest = path.substr(at + std::strlen(marker));
      for (const auto& root : o_.go_roots) {
        int err = 0;
        const std::string candidate = path_join(root, rest);
        if (std::filesystem::is_regular_file(candidate) && read_lines(candidate, lines, &err)) return true;
      }
    }
    return false;
  }

  const SourceOptions& o_;
  std::unordered_map<std::string, std::vector<std::string>> files_;
  std::unordered_map<std::string, std::string> errors_;
};

struct ListNode {
  const NodeInfo* info = nullptr;
  std::string sprint;
  std::int64_t flat = 0, cum = 0;
};

}  // namespace

Result<std::string> render_list(const Profile& p, const TopOptions& opts, const std::string& pattern,
                                const SourceOptions& src, std::vector<std::string>* missing,
                                std::vector<std::string>* warnings) {
  auto re = util::Regex::compile(pattern, "list");
  if (!re) return tl::unexpected(re.error());
  // pprof's list: line granularity, binaries kept in the nodes.
  TopOptions o = opts;
  o.granularity = Granularity::lines;
  auto basis = report_basis(p, o.sample_index, o.output_unit, o.mean);
  if (!basis) return tl::unexpected(basis.error());
  FrameOptions fo = o.frame_options();
  fo.obj_names = true;
  auto frames = Frames::build(p, fo);
  if (!frames) return tl::unexpected(frames.error());
  if (warnings) *warnings = frames->warnings();
  const TopReport& r = basis->report;
  const std::size_t si = basis->index;

  // The graph's nodes: cum once per sample, flat at the leaf.
  std::vector<ListNode> nodes(frames->nodes().size());
  {
    std::vector<std::uint32_t> stamp(nodes.size(), 0);
    std::uint32_t mark = 0;
    for (const auto& s : p.samples) {
      const std::int64_t w = s.values[si];
      if (w == 0 || !frames->keeps(s)) continue;
      ++mark;
      std::int32_t leaf = -1;
      frames->walk(s, [&](std::int32_t n, bool) {
        auto i = static_cast<std::size_t>(n);
        if (stamp[i] != mark) {
          stamp[i] = mark;
          nodes[i].cum = util::wrap_add(nodes[i].cum, w);
        }
        leaf = n;
      });
      if (leaf >= 0) nodes[static_cast<std::size_t>(leaf)].flat = util::wrap_add(nodes[static_cast<std::size_t>(leaf)].flat, w);
    }
  }
  // Matching functions, each with its nodes in graph order.
  std::vector<std::string> functions;
  std::unordered_map<std::string, std::vector<std::size_t>> by_function;
  std::unordered_map<std::string, std::string> first_sprint;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].cum == 0 && nodes[i].flat == 0) continue;
    if (o.drop_negative && is_negative_node(nodes[i].flat, nodes[i].cum)) continue;
    const NodeInfo& info = frames->nodes()[i].info;
    nodes[i].info = &info;
    nodes[i].sprint = info.sprint();
    if (!re->search(info.name)) continue;
    auto [it, inserted] = by_function.try_emplace(info.name);
    if (inserted) {
      functions.push_back(info.name);
      first_sprint[info.name] = nodes[i].sprint;
    }
    it->second.push_back(i);
  }
  if (functions.empty()) return fail(ErrorKind::usage, fmt::format("no matches found for regexp: {}", pattern));
  std::sort(functions.begin(), functions.end(), [&](const std::string& a, const std::string& b) {
    return a != b ? a < b : first_sprint[a] < first_sprint[b];
  });

  SourceOptions so = src;
  if (so.search_path.empty()) so.search_path = std::filesystem::current_path().string();
  SourceReader reader(so);
  auto value_or_dot = [&r](std::int64_t v) { return v == 0 ? std::string(".") : r.format_value(v); };
  std::string out = fmt::format("Total: {}\n", r.format_value(r.total));
  for (const auto& name : functions) {
    std::vector<std::string> files;
    std::unordered_map<std::string, std::vector<std::size_t>> by_file;
    for (auto i : by_function[name]) {
      if (nodes[i].info->file.empty()) continue;
      // pprof shows (and then looks up) the path as trimmed by the options
      // given, before the current directory becomes the search path.
      const std::string file = clean_path(trim_source_path(nodes[i].info->file, src.trim_path, src.search_path));
      auto [it, inserted] = by_file.try_emplace(file);
      if (inserted) files.push_back(file);
      it->second.push_back(i);
    }
    if (files.empty()) {
      out += fmt::format("No source information for {}\n", name);
      continue;
    }
    // graph.FileOrder: file, then the first node's start line, then Sprint.
    std::sort(files.begin(), files.end(), [&](const std::string& a, const std::string& b) {
      const ListNode& x = nodes[by_file[a].front()];
      const ListNode& y = nodes[by_file[b].front()];
      if (a != b) return a < b;
      if (x.info->start_line != y.info->start_line) return x.info->start_line < y.info->start_line;
      return x.sprint < y.sprint;
    });
    for (const auto& file : files) {
      const auto& fns = by_file[file];
      std::int64_t flat_sum = 0, cum_sum = 0;
      std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> per_line;
      for (auto i : fns) {
        flat_sum = util::wrap_add(flat_sum, nodes[i].flat);
        cum_sum = util::wrap_add(cum_sum, nodes[i].cum);
        auto& pl = per_line[nodes[i].info->lineno];
        pl.first = util::wrap_add(pl.first, nodes[i].flat);
        pl.second = util::wrap_add(pl.second, nodes[i].cum);
      }
      // getSourceFromFile's window: from the function's start (or 5 lines
      // before the first sample line) to 5 lines past the last.
      const NodeInfo& first = *nodes[fns.front()].info;
      std::int64_t start = first.start_line != 0 ? first.start_line : first.lineno - 5;
      std::int64_t end = first.lineno + 5;
      for (auto i : fns) {
        const NodeInfo& n = *nodes[i].info;
        const std::int64_t node_start = n.start_line != 0 ? n.start_line : n.lineno - 5;
        const std::int64_t node_end = n.lineno + 5;
        if (node_start < start) {
          start = node_start;
        } else if (node_end > end) {
          end = node_end;
        }
      }
      if (start < 1) start = 1;
      std::string body;
      for (std::int64_t ln = start; ln <= end; ++ln) {
        const std::string* text = reader.line(file, ln);
        if (!text) break;
        auto pl = per_line.find(ln);
        const std::int64_t f = pl == per_line.end() ? 0 : pl->second.first;
        const std::int64_t c = pl == per_line.end() ? 0 : pl->second.second;
        body += fmt::format("{:>10} {:>10} {:>6}:{}\n", value_or_dot(f), value_or_dot(c), ln, *text);
      }
      out += fmt::format("ROUTINE ======================== {} in {}\n", name, file);
      out += fmt::format("{:>10} {:>10} (flat, cum) {} of Total\n", r.format_value(flat_sum), r.format_value(cum_sum),
                         percentage(cum_sum, r.total));
      if (const std::string* err = reader.error(file)) {
        out += fmt::format(" Error: {}\n", *err);
        if (missing && std::find(missing->begin(), missing->end(), file) == missing->end()) missing->push_back(file);
        continue;
      }
      out += body;
    }
  }
  return out;
}

}  // namespace ncprof::profile
