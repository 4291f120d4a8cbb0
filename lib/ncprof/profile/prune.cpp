#include "ncprof/profile/prune.hpp"
#include "ncprof/util/regex.hpp"

#include <optional>
#include <unordered_set>

#include <fmt/format.h>

namespace ncprof::profile {

std::string simplify_func(const std::string& name) {
  std::string f = name.rfind('.', 0) == 0 ? name.substr(1) : name;
  static const char* reserved[] = {"(anonymous namespace)", "operator()"};
  std::size_t pos = 0;
  while (pos < f.size()) {
    std::size_t best = std::string::npos, len = 0;
    for (const char* r : reserved) {
      auto at = f.find(r, pos);
      if (at < best) {
        best = at;
        len = std::char_traits<char>::length(r);
      }
    }
    auto paren = f.find('(', pos);
    if (paren == std::string::npos) break;
    if (best != std::string::npos && best <= paren) {
      pos = best + len;  // a reserved name: skip it
      continue;
    }
    return f.substr(0, paren);
  }
  return f;
}

Result<void> remove_uninteresting(Profile& p) {
  if (p.drop_frames.empty()) return {};
  // pprof compiles "^(" + pattern + ")$": a whole-name match.
  auto drop = util::Regex::compile("^(" + p.drop_frames + ")$", "drop_frames");
  if (!drop) return tl::unexpected(drop.error());
  const bool has_keep = !p.keep_frames.empty();
  std::optional<util::Regex> keep;
  if (has_keep) {
    auto k = util::Regex::compile("^(" + p.keep_frames + ")$", "keep_frames");
    if (!k) return tl::unexpected(k.error());
    keep.emplace(std::move(*k));
  }
  const IdIndex funcs(p.functions);
  std::unordered_set<std::uint64_t> prune, prune_beneath;
  for (auto& loc : p.locations) {
    int i = static_cast<int>(loc.lines.size()) - 1;
    for (; i >= 0; --i) {
      const Function& fn = p.functions[funcs.find(loc.lines[static_cast<std::size_t>(i)].function_id)];
      if (fn.name.empty()) continue;
      std::string name = simplify_func(fn.name);
      if (drop->full_match(name) && (!has_keep || !keep->full_match(name))) break;
    }
    if (i < 0) continue;
    prune_beneath.insert(loc.id);
    if (i == static_cast<int>(loc.lines.size()) - 1) {
      prune.insert(loc.id);
    } else {
      loc.lines.erase(loc.lines.begin(), loc.lines.begin() + i + 1);
    }
  }
  for (auto& s : p.samples) {
    bool found_user = false;
    for (std::size_t i = s.location_ids.size(); i-- > 0;) {
      const auto id = s.location_ids[i];
      const bool pr = prune.count(id) > 0, beneath = prune_beneath.count(id) > 0;
      if (!pr && !beneath) {
        found_user = true;
        continue;
      }
      if (!found_user) continue;
      if (pr) {
        s.location_ids.erase(s.location_ids.begin(), s.location_ids.begin() + static_cast<long>(i) + 1);
        break;
      }
      s.location_ids.erase(s.location_ids.begin(), s.location_ids.begin() + static_cast<long>(i));
      break;
    }
  }
  return {};
}

}  // namespace ncprof::profile
