#include "ncprof/profile/export.hpp"

#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ncprof/profile/frames.hpp"
#include "ncprof/util/arith.hpp"

namespace ncprof::profile {

namespace {

// The distinct stacks of a profile (root first, as node indexes of its
// Frames) with each one's values summed per sample type.
struct Stacks {
  std::vector<std::vector<std::int32_t>> stacks;
  std::vector<std::vector<std::int64_t>> values;  // per stack, per type
};

Stacks collect(const Profile& p, const Frames& frames) {
  Stacks out;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::int32_t> stack;
  std::string key;
  for (const auto& s : p.samples) {
    if (!frames.keeps(s)) continue;
    stack.clear();
    frames.walk(s, [&stack](std::int32_t node, bool) { stack.push_back(node); });
    if (stack.empty()) continue;
    key.assign(reinterpret_cast<const char*>(stack.data()), stack.size() * sizeof(std::int32_t));
    auto [it, inserted] = index.try_emplace(key, out.stacks.size());
    if (inserted) {
      out.stacks.push_back(stack);
      out.values.emplace_back(p.sample_types.size(), 0);
    }
    auto& v = out.values[it->second];
    for (std::size_t t = 0; t < v.size() && t < s.values.size(); ++t) v[t] = util::wrap_add(v[t], s.values[t]);
  }
  return out;
}

std::string folded_name(std::string name) {
  for (auto& c : name) {
    if (c == ';') c = ':';
    if (c == '\n' || c == '\r') c = ' ';
  }
  return name;
}

std::string folded_stack(const Frames& frames, const std::vector<std::int32_t>& stack) {
  std::string out;
  for (std::size_t i = 0; i < stack.size(); ++i) {
    if (i) out += ';';
    out += folded_name(frames.nodes()[static_cast<std::size_t>(stack[i])].name);
  }
  return out;
}

}  // namespace

Result<std::string> export_folded(const Profile& p, const TopOptions& opts) {
  auto sel = select_frames(p, opts);
  if (!sel) return tl::unexpected(sel.error());
  const Stacks st = collect(p, sel->frames);
  std::string out;
  for (std::size_t i = 0; i < st.stacks.size(); ++i) {
    const std::int64_t v = st.values[i][sel->basis.index];
    if (v != 0) out += fmt::format("{} {}\n", folded_stack(sel->frames, st.stacks[i]), v);
  }
  return out;
}

Result<std::string> export_folded_diff(const Profile& base, const Profile& current, const TopOptions& opts) {
  auto nsel = select_frames(current, opts);
  if (!nsel) return tl::unexpected(nsel.error());
  auto bsel = select_frames(base, opts);
  if (!bsel) return tl::unexpected(bsel.error());
  // Stacks are matched by their text: the two profiles number frames apart.
  std::vector<std::string> order;
  std::unordered_map<std::string, std::pair<std::int64_t, std::int64_t>> both;  // base, new
  auto add = [&](const Selection& sel, const Profile& p, bool is_new) {
    const Stacks st = collect(p, sel.frames);
    for (std::size_t i = 0; i < st.stacks.size(); ++i) {
      std::string text = folded_stack(sel.frames, st.stacks[i]);
      auto [it, inserted] = both.try_emplace(text, 0, 0);
      if (inserted) order.push_back(std::move(text));
      auto& slot = is_new ? it->second.second : it->second.first;
      slot = util::wrap_add(slot, st.values[i][sel.basis.index]);
    }
  };
  add(*nsel, current, true);
  add(*bsel, base, false);
  std::string out;
  for (const auto& text : order) {
    const auto& [b, n] = both[text];
    if (b != 0 || n != 0) out += fmt::format("{} {} {}\n", text, b, n);
  }
  return out;
}

Result<std::string> export_speedscope(const Profile& p, const TopOptions& opts, const std::string& name) {
  auto sel = select_frames(p, opts);
  if (!sel) return tl::unexpected(sel.error());
  const Stacks st = collect(p, sel->frames);
  // Frames used, in first-use order.
  std::vector<std::int32_t> frame_of(sel->frames.nodes().size(), -1);
  nlohmann::json frames = nlohmann::json::array();
  std::vector<nlohmann::json> stacks;
  stacks.reserve(st.stacks.size());
  for (const auto& stack : st.stacks) {
    nlohmann::json js = nlohmann::json::array();
    for (auto node : stack) {
      auto& f = frame_of[static_cast<std::size_t>(node)];
      if (f < 0) {
        f = static_cast<std::int32_t>(frames.size());
        const FrameNode& n = sel->frames.nodes()[static_cast<std::size_t>(node)];
        nlohmann::json jf = {{"name", n.name}};
        if (!n.source_file.empty()) jf["file"] = n.source_file;
        if (n.info.lineno > 0) jf["line"] = n.info.lineno;
        frames.push_back(std::move(jf));
      }
      js.push_back(f);
    }
    stacks.push_back(std::move(js));
  }
  auto unit_of = [](const std::string& u) -> std::string {
    for (const char* known : {"nanoseconds", "microseconds", "milliseconds", "seconds", "bytes"}) {
      if (u == known) return u;
    }
    return "none";
  };
  nlohmann::json profiles = nlohmann::json::array();
  // The selected type first: speedscope opens the first profile.
  std::vector<std::size_t> types = {sel->basis.index};
  for (std::size_t t = 0; t < p.sample_types.size(); ++t) {
    if (t != sel->basis.index) types.push_back(t);
  }
  for (std::size_t t : types) {
    nlohmann::json samples = nlohmann::json::array(), weights = nlohmann::json::array();
    std::int64_t total = 0;
    for (std::size_t i = 0; i < st.stacks.size(); ++i) {
      const std::int64_t v = st.values[i][t];
      if (v == 0) continue;
      if (v < 0) {
        return fail(ErrorKind::usage, fmt::format("{} has negative values (a difference of profiles): speedscope cannot "
                                                  "draw them; export --format folded instead",
                                                  p.sample_types[t].type));
      }
      samples.push_back(stacks[i]);
      weights.push_back(v);
      total = util::wrap_add(total, v);
    }
    profiles.push_back({{"type", "sampled"},
                        {"name", fmt::format("{} ({})", p.sample_types[t].type, p.sample_types[t].unit)},
                        {"unit", unit_of(p.sample_types[t].unit)},
                        {"startValue", 0},
                        {"endValue", total},
                        {"samples", std::move(samples)},
                        {"weights", std::move(weights)}});
  }
  nlohmann::json doc = {{"$schema", "https://www.speedscope.app/file-format-schema.json"},
                        {"version", "0.0.1"},
                        {"exporter", std::string("ncprof ") + NCPROF_VERSION},
                        {"name", name},
                        {"activeProfileIndex", 0},
                        {"shared", {{"frames", std::move(frames)}}},
                        {"profiles", std::move(profiles)}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<Profile> export_filtered(const Profile& p, const TopOptions& opts) {
  auto sel = select_frames(p, opts);
  if (!sel) return tl::unexpected(sel.error());
  return sel->frames.filtered(p);
}

}  // namespace ncprof::profile
