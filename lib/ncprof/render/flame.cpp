#include "ncprof/render/flame.hpp"

#include <algorithm>
#include <unordered_map>

#include "ncprof/profile/merge.hpp"
#include "ncprof/util/arith.hpp"
#include "ncprof/util/flat_map.hpp"

namespace ncprof::render {

namespace {

// The stacks that reach the tree, as name ids root to leaf (one array
// with offsets), with the side each belongs to.
struct Stacks {
  std::vector<std::uint32_t> offset{0};
  std::vector<std::int32_t> names;
  std::vector<std::uint32_t> sample;  // index in the profile
  std::vector<char> base;
  std::size_t size() const { return sample.size(); }
  std::size_t depth(std::size_t k) const { return offset[k + 1] - offset[k]; }
};

}  // namespace

Result<FlameTree> build_flame_tree(const profile::Profile& p, const FlameOptions& opts) {
  auto frames = profile::Frames::build(p, opts.frames);
  if (!frames) return tl::unexpected(frames.error());
  const std::size_t types = p.sample_types.size();
  FlameTree t;

  // One name per printable frame name; the first file seen for it.
  std::vector<std::int32_t> name_of(frames->nodes().size());
  {
    std::unordered_map<std::string, std::int32_t> ids;
    for (std::size_t n = 0; n < frames->nodes().size(); ++n) {
      const auto& fn = frames->nodes()[n];
      auto [it, inserted] = ids.try_emplace(fn.name, static_cast<std::int32_t>(t.names.size()));
      if (inserted) {
        t.names.push_back(fn.name);
        t.files.push_back(fn.source_file);
      }
      name_of[n] = it->second;
    }
  }

  Stacks st;
  for (std::size_t i = 0; i < p.samples.size(); ++i) {
    const auto& s = p.samples[i];
    if (std::all_of(s.values.begin(), s.values.end(), [](std::int64_t v) { return v == 0; })) continue;
    if (!frames->keeps(s)) continue;
    frames->walk(s, [&](std::int32_t n, bool) { st.names.push_back(name_of[static_cast<std::size_t>(n)]); });
    st.offset.push_back(static_cast<std::uint32_t>(st.names.size()));
    st.sample.push_back(static_cast<std::uint32_t>(i));
    st.base.push_back(profile::is_base_sample(s) ? 1 : 0);
    t.has_base = t.has_base || st.base.back();
  }
  t.samples = st.size();
  // The value a stack adds on its side (base samples were negated).
  auto value_of = [&](std::size_t k, std::size_t ty) {
    const std::int64_t v = p.samples[st.sample[k]].values[ty];
    return st.base[k] ? util::wrap_neg(v) : v;
  };

  t.value.assign(types, {});
  if (t.has_base) t.base.assign(types, {});
  auto add_node = [&](std::int32_t parent, std::int32_t name) {
    t.parent.push_back(parent);
    t.name.push_back(name);
    for (std::size_t ty = 0; ty < types; ++ty) {
      t.value[ty].push_back(0);
      if (t.has_base) t.base[ty].push_back(0);
    }
    return static_cast<std::int32_t>(t.parent.size() - 1);
  };
  auto side_of = [&](bool base) -> std::vector<std::vector<std::int64_t>>& { return base ? t.base : t.value; };

  add_node(-1, FlameTree::kRoot);
  // Thresholds per side and type: a fraction of the side's absolute total.
  std::vector<std::int64_t> abs_total(2 * types, 0);
  for (std::size_t k = 0; k < st.size(); ++k) {
    for (std::size_t ty = 0; ty < types; ++ty) {
      const std::int64_t v = value_of(k, ty);
      side_of(st.base[k])[ty][0] = util::wrap_add(side_of(st.base[k])[ty][0], v);
      abs_total[(st.base[k] ? types : 0) + ty] = util::wrap_add(abs_total[(st.base[k] ? types : 0) + ty], util::wrap_abs(v));
    }
  }
  std::vector<double> threshold(2 * types);
  for (std::size_t i = 0; i < threshold.size(); ++i) {
    threshold[i] = static_cast<double>(abs_total[i]) * opts.min_fraction;
  }

  // Breadth first: all stacks step one frame deeper per level; children
  // too small to see are folded before the stacks through them go on, so
  // the work and memory follow the kept tree, not every distinct path.
  std::vector<std::uint32_t> alive(st.size());
  for (std::size_t k = 0; k < alive.size(); ++k) alive[k] = static_cast<std::uint32_t>(k);
  std::vector<std::int32_t> at(st.size(), 0);  // each stack's node so far
  for (std::size_t depth = 0; !alive.empty(); ++depth) {
    util::FlatMap64<std::uint32_t> index(alive.size());
    std::vector<std::int32_t> cand_parent, cand_name;
    std::vector<std::int64_t> cand_value;  // [cand][side * types + type]
    std::vector<std::uint32_t> cand_of;    // per stack going on
    std::vector<std::uint32_t> going;
    for (auto k : alive) {
      if (st.depth(k) <= depth) continue;  // the stack ends at its node
      const std::int32_t name = st.names[st.offset[k] + depth];
      const std::uint64_t key = (static_cast<std::uint64_t>(at[k]) << 32) | static_cast<std::uint32_t>(name);
      bool inserted = false;
      std::uint32_t& slot = index.get(key, inserted);
      if (inserted) {
        slot = static_cast<std::uint32_t>(cand_parent.size());
        cand_parent.push_back(at[k]);
        cand_name.push_back(name);
        cand_value.resize(cand_value.size() + 2 * types, 0);
      }
      const std::size_t side = st.base[k] ? types : 0;
      for (std::size_t ty = 0; ty < types; ++ty) {
        std::int64_t& v = cand_value[slot * 2 * types + side + ty];
        v = util::wrap_add(v, value_of(k, ty));
      }
      cand_of.push_back(slot);
      going.push_back(k);
    }
    const std::size_t cands = cand_parent.size();
    const bool room = t.size() + cands <= opts.max_nodes;
    t.capped = t.capped || !room;
    std::vector<std::int32_t> node_of(cands, -1);
    util::FlatMap64<std::int32_t> residue_of(16);  // parent -> residue node
    for (std::size_t c = 0; c < cands; ++c) {
      const std::int64_t* v = &cand_value[c * 2 * types];
      bool keep = false;
      for (std::size_t i = 0; room && i < 2 * types && !keep; ++i) {
        keep = v[i] != 0 && static_cast<double>(util::wrap_abs(v[i])) >= threshold[i];
      }
      std::int32_t node;
      if (keep) {
        node = add_node(cand_parent[c], cand_name[c]);
        node_of[c] = node;
      } else {
        bool inserted = false;
        std::int32_t& r = residue_of.get(static_cast<std::uint64_t>(cand_parent[c]), inserted);
        if (inserted) {
          r = add_node(cand_parent[c], FlameTree::kResidue);
          ++t.residue_nodes;
        }
        node = r;
        ++t.folded_nodes;
      }
      const auto n = static_cast<std::size_t>(node);
      for (std::size_t ty = 0; ty < types; ++ty) {
        t.value[ty][n] = util::wrap_add(t.value[ty][n], v[ty]);
        if (t.has_base) t.base[ty][n] = util::wrap_add(t.base[ty][n], v[types + ty]);
      }
    }
    alive.clear();
    for (std::size_t i = 0; i < going.size(); ++i) {
      const std::int32_t node = node_of[cand_of[i]];
      if (node < 0) continue;  // folded: the rest of the stack is in the residue
      at[going[i]] = node;
      alive.push_back(going[i]);
    }
  }
  return t;
}

}  // namespace ncprof::render
