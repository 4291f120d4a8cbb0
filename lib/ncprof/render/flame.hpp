#pragma once
// The call tree of a flame graph: every stack of the profile, root to
// leaf, aggregated by frame name at a granularity, for every sample type
// at once (the page switches type without being regenerated). Nodes too
// small to see are folded into one residue child per parent, so every
// node still equals its own value and totals stay exact.
#include <cstdint>
#include <string>
#include <vector>

#include "ncprof/profile/frames.hpp"
#include "ncprof/profile/profile.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::render {

struct FlameOptions {
  profile::FrameOptions frames;
  // A node is kept when, for some sample type and side, its value is at
  // least this fraction of that side's total (0 keeps every node).
  double min_fraction = 0.0001;
  // Past this many nodes the deeper levels are folded into residues.
  std::size_t max_nodes = 200000;
};

struct FlameTree {
  static constexpr std::int32_t kRoot = -1;
  static constexpr std::int32_t kResidue = -2;

  std::vector<std::string> names;  // distinct frame names
  std::vector<std::string> files;  // a source file per name ("" if unknown)
  // Nodes in breadth-first order (a parent before its children); node 0
  // is the root. name[i] indexes names, or is kRoot / kResidue.
  std::vector<std::int32_t> parent;
  std::vector<std::int32_t> name;
  // value[type][node]: the total of the node's subtree; base[type][node]
  // the same for the base side of a difference (samples labelled
  // pprof::base=true, counted positive), empty otherwise.
  std::vector<std::vector<std::int64_t>> value;
  std::vector<std::vector<std::int64_t>> base;
  bool has_base = false;
  std::size_t samples = 0;         // samples that reached the tree
  std::size_t residue_nodes = 0;   // residue nodes made
  std::size_t folded_nodes = 0;    // distinct nodes folded into them
  bool capped = false;             // max_nodes was reached

  std::size_t size() const { return parent.size(); }
};

// Builds the tree of p (after drop_frames, if the caller applied them).
// Samples labelled pprof::base=true (a subtract_base(..., diff_base=true)
// profile) form the base side, with their values negated back.
Result<FlameTree> build_flame_tree(const profile::Profile& p, const FlameOptions& opts);

}  // namespace ncprof::render
