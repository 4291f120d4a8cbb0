#include "ncprof/profile/merge.hpp"
#include "ncprof/util/arith.hpp"
#include "ncprof/util/flat_map.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <type_traits>
#include <unordered_map>

#include <fmt/format.h>

namespace ncprof::profile {

namespace {

bool all_zero(const Sample& s) {
  return std::all_of(s.values.begin(), s.values.end(), [](std::int64_t v) { return v == 0; });
}

std::string describe_types(const Profile& p) {
  std::string out;
  for (const auto& t : p.sample_types) out += fmt::format("{}{}/{}", out.empty() ? "" : " ", t.type, t.unit);
  return out;
}

// Hashes a sequence of 64-bit words (FNV-1a over the words).
struct WordsHash {
  std::size_t operator()(const std::vector<std::uint64_t>& v) const {
    std::uint64_t h = 1469598103934665603ull;
    for (auto w : v) {
      h ^= w;
      h *= 1099511628211ull;
    }
    return static_cast<std::size_t>(h);
  }
};

// The sign of every value of p: 1 (none negative), -1 (none positive), 0
// (all zero), or 2 (both signs).
int sign_of(const Profile& p) {
  bool pos = false, neg = false;
  for (const auto& s : p.samples) {
    for (auto v : s.values) {
      pos = pos || v > 0;
      neg = neg || v < 0;
    }
    if (pos && neg) return 2;
  }
  return pos ? 1 : neg ? -1 : 0;
}

// Whether concatenating the samples of profiles gives the sums and the
// total of |values| that combining them gives (see SampleUse). apart: no
// sample of one input can equal a sample of another (their labels differ).
template <class P>
bool sums_survive_concatenation(const std::vector<P*>& profiles, bool apart) {
  int sign = 0;
  for (const Profile* p : profiles) {
    const int s = sign_of(*p);
    if (s == 2) return false;
    if (s == 0 || apart) continue;
    if (sign != 0 && s != sign) return false;
    sign = s;
  }
  return true;
}

class Merger {
 public:
  // combine: samples with the same stack and labels add up (pprof's
  // merge); otherwise every sample is kept as it is (SampleUse::summed).
  Merger(Profile& out, std::size_t expected_samples, bool combine)
      : out_(out), samples_(combine ? expected_samples : 0), combine_(combine) {}

  // Adds src's samples, moving its stacks into the output (src
  // is left without samples) instead of copying them.
  void consume(Profile& src) {
    prepare(src);
    for (auto& s : src.samples) {
      if (!all_zero(s)) add_sample(std::move(s.location_ids), std::move(s.values), s.labels);
    }
    std::vector<Sample>().swap(src.samples);
  }
  void add(const Profile& src) {
    prepare(src);
    for (const auto& s : src.samples) {
      if (!all_zero(s)) add_sample(s.location_ids, s.values, s.labels);
    }
  }

 private:
  void prepare(const Profile& src) {
    // Memo of each source entry's id in the output, by its position in
    // the source's table (0: not mapped yet).
    loc_by_pos_.assign(src.locations.size(), 0);
    func_by_pos_.assign(src.functions.size(), 0);
    map_by_pos_.assign(src.mappings.size(), MapInfo{});
    src_maps_ = IdIndex(src.mappings);
    src_funcs_ = IdIndex(src.functions);
    src_locs_ = IdIndex(src.locations);
    src_ = &src;
    // The first mapping is the main binary's (its name heads pprof's
    // reports): it comes first, used by a sample or not, as pprof merges.
    if (out_.mappings.empty() && !src.mappings.empty()) map_mapping(src.mappings[0].id);
  }

  struct MapInfo {
    std::uint64_t id = 0;
    std::int64_t offset = 0;
  };

  MapInfo map_mapping(std::uint64_t src_id) {
    if (src_id == 0) return {};
    const std::size_t pos = src_maps_.find(src_id);
    if (map_by_pos_[pos].id != 0) return map_by_pos_[pos];
    const Mapping& m = src_->mappings[pos];
    std::uint64_t size = m.memory_limit - m.memory_start;
    size = size + 0xfff;
    size -= size % 0x1000;
    auto key = std::make_tuple(size, m.file_offset, m.build_id.empty() ? m.filename : m.build_id);
    MapInfo info;
    if (auto it = mappings_.find(key); it != mappings_.end()) {
      const Mapping& have = out_.mappings[it->second];
      info = MapInfo{have.id, static_cast<std::int64_t>(have.memory_start - m.memory_start)};
    } else {
      Mapping copy = m;
      copy.id = out_.mappings.size() + 1;
      mappings_.emplace(key, out_.mappings.size());
      out_.mappings.push_back(copy);
      info = MapInfo{copy.id, 0};
    }
    map_by_pos_[pos] = info;
    return info;
  }

  std::uint64_t map_function(std::uint64_t src_id) {
    const std::size_t pos = src_funcs_.find(src_id);
    if (func_by_pos_[pos] != 0) return func_by_pos_[pos];
    const Function& f = src_->functions[pos];
    auto key = std::make_tuple(f.start_line, f.name, f.system_name, f.filename);
    std::uint64_t id;
    if (auto it = functions_.find(key); it != functions_.end()) {
      id = it->second;
    } else {
      Function copy = f;
      copy.id = out_.functions.size() + 1;
      id = copy.id;
      functions_.emplace(std::move(key), id);
      out_.functions.push_back(std::move(copy));
    }
    func_by_pos_[pos] = id;
    return id;
  }

  std::uint64_t map_location(std::uint64_t src_id) {
    const std::size_t pos = src_locs_.find(src_id);
    if (loc_by_pos_[pos] != 0) return loc_by_pos_[pos];
    const Location& l = src_->locations[pos];
    MapInfo mi = map_mapping(l.mapping_id);
    Location copy;
    copy.mapping_id = mi.id;
    copy.address = static_cast<std::uint64_t>(static_cast<std::int64_t>(l.address) + mi.offset);
    copy.is_folded = l.is_folded;
    copy.lines.reserve(l.lines.size());
    std::vector<std::uint64_t> key;
    std::uint64_t start = mi.id ? out_.mappings[mi.id - 1].memory_start : 0;
    key.push_back(copy.address - start);
    key.push_back(mi.id);
    key.push_back(copy.is_folded ? 1 : 0);
    for (const auto& ln : l.lines) {
      Line nl{map_function(ln.function_id), ln.line, ln.column};
      key.push_back(nl.function_id);
      key.push_back(static_cast<std::uint64_t>(nl.line));
      copy.lines.push_back(nl);
    }
    std::uint64_t id;
    if (auto it = locations_.find(key); it != locations_.end()) {
      id = it->second;
    } else {
      copy.id = out_.locations.size() + 1;
      id = copy.id;
      locations_.emplace(std::move(key), id);
      out_.locations.push_back(std::move(copy));
    }
    loc_by_pos_[pos] = id;
    return id;
  }

  // A label set's identity: sorted, one shared copy per distinct set (so
  // equal sets compare by pointer), with its hash. Memoised by the source's
  // copy, which the memo keeps alive so its address stays unique.
  struct OutLabels {
    Labels source;
    Labels labels;
    std::uint64_t hash = 0;
  };
  const OutLabels& out_labels(const Labels& labels) {
    // Runs of samples share one label set (often none): the last one first.
    if (last_labels_ && last_labels_id_ == labels.copy_id()) return *last_labels_;
    const OutLabels& out = out_labels_lookup(labels);
    last_labels_id_ = labels.copy_id();
    last_labels_ = &out;
    return out;
  }
  const OutLabels& out_labels_lookup(const Labels& labels) {
    auto [it, inserted] = label_memo_.try_emplace(labels.copy_id());
    if (!inserted || labels.empty()) return it->second;
    std::vector<Label> sorted(labels.begin(), labels.end());
    std::sort(sorted.begin(), sorted.end(), [](const Label& a, const Label& b) {
      return std::tie(a.key, a.str, a.num, a.num_unit) < std::tie(b.key, b.str, b.num, b.num_unit);
    });
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&h](std::uint64_t w) {
      h ^= w;
      h *= 1099511628211ull;
    };
    for (const auto& l : sorted) {
      mix(std::hash<std::string>{}(l.key));
      mix(std::hash<std::string>{}(l.str));
      mix(static_cast<std::uint64_t>(l.num));
      mix(std::hash<std::string>{}(l.num_unit));
    }
    auto& same_hash = distinct_labels_[h];
    auto have = std::find_if(same_hash.begin(), same_hash.end(), [&sorted](const Labels& d) {
      return d.size() == sorted.size() && std::equal(sorted.begin(), sorted.end(), d.begin());
    });
    if (have == same_hash.end()) {
      same_hash.push_back(std::equal(sorted.begin(), sorted.end(), labels.begin()) ? labels : Labels(std::move(sorted)));
      have = same_hash.end() - 1;
    }
    it->second = OutLabels{labels, *have, h};
    return it->second;
  }

  // Samples with the same stack and labels add up. The table keeps only
  // a hash per sample and the index of the first with that hash; equal
  // hashes are confirmed against the stored sample (no key copies).
  void add_sample(std::vector<LocationRef> locs, std::vector<std::int64_t> values, const Labels& src_labels) {
    // The output's ids are 1..n (n is at most the inputs' location count).
    for (auto& id : locs) id = static_cast<LocationRef>(map_location(id));
    const OutLabels& labels = out_labels(src_labels);
    if (!combine_) {
      out_.samples.push_back(Sample{std::move(locs), std::move(values), labels.source});
      return;
    }
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&h](std::uint64_t w) {
      h ^= w;
      h *= 1099511628211ull;
    };
    for (auto id : locs) mix(id);
    mix(~0ull);  // separator between locations and labels
    mix(labels.hash);
    if (h == util::FlatMap64<std::uint32_t>::kEmpty) h = 0;
    bool inserted = false;
    std::uint32_t& head = samples_.get(h, inserted);
    for (std::uint32_t i = inserted ? 0 : head; i != 0; i = next_[i - 1]) {
      Sample& have = out_.samples[i - 1];
      if (have.location_ids == locs && canonical_[i - 1] == labels.labels.copy_id()) {
        for (std::size_t k = 0; k < have.values.size(); ++k) have.values[k] = util::wrap_add(have.values[k], values[k]);
        return;
      }
    }
    // A new sample heads its hash's chain.
    next_.push_back(inserted ? 0 : head);
    head = static_cast<std::uint32_t>(out_.samples.size() + 1);
    // The sample keeps its labels in their own order, as pprof's merge
    // does; the sorted copy only identifies them.
    canonical_.push_back(labels.labels.copy_id());
    out_.samples.push_back(Sample{std::move(locs), std::move(values), labels.source});
  }

  Profile& out_;
  const Profile* src_ = nullptr;
  IdIndex src_maps_, src_funcs_, src_locs_;
  std::vector<std::uint64_t> loc_by_pos_, func_by_pos_;
  std::vector<MapInfo> map_by_pos_;
  std::map<std::tuple<std::uint64_t, std::uint64_t, std::string>, std::size_t> mappings_;
  std::map<std::tuple<std::int64_t, std::string, std::string, std::string>, std::uint64_t> functions_;
  std::unordered_map<std::vector<std::uint64_t>, std::uint64_t, WordsHash> locations_;
  std::unordered_map<const void*, OutLabels> label_memo_;
  const void* last_labels_id_ = nullptr;  // (unordered_map's elements stay where they are)
  const OutLabels* last_labels_ = nullptr;
  std::unordered_map<std::uint64_t, std::vector<Labels>> distinct_labels_;  // by hash
  util::FlatMap64<std::uint32_t> samples_;  // hash -> 1 + index of a sample
  std::vector<std::uint32_t> next_;           // per sample: 1 + next index with its hash
  std::vector<const void*> canonical_;        // per sample: its labels' sorted copy
  bool combine_ = true;
};

// The merge of const profiles (copied) or of profiles it may empty (P is
// Profile: stacks are moved out of each as it is added).
template <class P>
Result<Profile> merge_all(const std::vector<P*>& profiles, const std::vector<std::string>& sources,
                          SampleUse use = SampleUse::combined, bool apart = false) {
  if (profiles.empty()) return fail(ErrorKind::usage, "no profiles to merge");
  const Profile& first = *profiles[0];
  for (std::size_t i = 1; i < profiles.size(); ++i) {
    const Profile& p = *profiles[i];
    if (!(p.period_type == first.period_type)) {
      return fail(ErrorKind::bad_input,
                  fmt::format("{}: incompatible period type {}/{} (the first profile, {}, has {}/{})", sources[i],
                              p.period_type.type, p.period_type.unit, sources[0], first.period_type.type,
                              first.period_type.unit));
    }
    if (p.sample_types != first.sample_types) {
      return fail(ErrorKind::bad_input,
                  fmt::format("{}: incompatible sample types [{}] (the first profile, {}, has [{}])", sources[i],
                              describe_types(p), sources[0], describe_types(first)));
    }
  }
  Profile out;
  out.sample_types = first.sample_types;
  out.drop_frames = first.drop_frames;
  out.keep_frames = first.keep_frames;
  out.period_type = first.period_type;
  for (const Profile* p : profiles) {
    if (out.time_nanos == 0 || p->time_nanos < out.time_nanos) out.time_nanos = p->time_nanos;
    out.duration_nanos += p->duration_nanos;
    if (out.period == 0 || out.period < p->period) out.period = p->period;
    for (const auto& c : p->comments) {
      if (std::find(out.comments.begin(), out.comments.end(), c) == out.comments.end()) out.comments.push_back(c);
    }
    if (out.default_sample_type.empty()) out.default_sample_type = p->default_sample_type;
    if (out.doc_url.empty()) out.doc_url = p->doc_url;
  }
  std::size_t nsamples = 0;
  for (const Profile* p : profiles) nsamples += p->samples.size();
  out.samples.reserve(nsamples);
  Merger merger(out, nsamples, use == SampleUse::combined || !sums_survive_concatenation(profiles, apart));
  for (P* p : profiles) {
    if constexpr (std::is_const_v<P>) {
      merger.add(*p);
    } else {
      merger.consume(*p);
    }
  }
  // Values that cancel out (a base against itself) leave all-zero samples.
  std::erase_if(out.samples, all_zero);
  return out;
}

}  // namespace

Result<Profile> merge_profiles(const std::vector<const Profile*>& profiles, const std::vector<std::string>& sources) {
  return merge_all(profiles, sources);
}

Result<Profile> merge_owned_profiles(std::vector<Profile> profiles, const std::vector<std::string>& sources,
                                     SampleUse use) {
  std::vector<Profile*> ptrs;
  for (auto& p : profiles) ptrs.push_back(&p);
  return merge_all(ptrs, sources, use);
}

bool is_base_sample(const Sample& s) {
  return std::any_of(s.labels.begin(), s.labels.end(),
                     [](const Label& l) { return l.key == kBaseLabel && l.str == "true"; });
}

void scale_profile(Profile& p, double ratio) {
  if (ratio == 1.0) return;
  std::erase_if(p.samples, [ratio](Sample& s) {
    bool keep = false;
    for (auto& v : s.values) {
      v = util::go_float_to_int64(std::round(static_cast<double>(v) * ratio));
      keep = keep || v != 0;
    }
    return !keep;
  });
}

void normalize_to(Profile& p, const Profile& base) {
  const std::size_t n = p.sample_types.size();
  if (base.sample_types.size() != n) return;
  for (std::size_t i = 0; i < n; ++i) {
    if (p.sample_types[i].type != base.sample_types[i].type || p.sample_types[i].unit != base.sample_types[i].unit) {
      return;
    }
  }
  std::vector<std::int64_t> base_sum(n, 0), sum(n, 0);
  for (const auto& s : base.samples) {
    for (std::size_t i = 0; i < n && i < s.values.size(); ++i) base_sum[i] = util::wrap_add(base_sum[i], s.values[i]);
  }
  for (const auto& s : p.samples) {
    for (std::size_t i = 0; i < n && i < s.values.size(); ++i) sum[i] = util::wrap_add(sum[i], s.values[i]);
  }
  std::vector<double> ratio(n, 1.0);
  bool all_ones = true;
  for (std::size_t i = 0; i < n; ++i) {
    ratio[i] = sum[i] == 0 ? 0.0 : static_cast<double>(base_sum[i]) / static_cast<double>(sum[i]);
    all_ones = all_ones && ratio[i] == 1.0;
  }
  if (all_ones) return;
  std::erase_if(p.samples, [&ratio](Sample& s) {
    bool keep = false;
    for (std::size_t i = 0; i < s.values.size() && i < ratio.size(); ++i) {
      if (ratio[i] == 1.0) continue;
      s.values[i] = util::go_float_to_int64(std::round(static_cast<double>(s.values[i]) * ratio[i]));
      keep = keep || s.values[i] != 0;
    }
    return !keep;
  });
}

Result<Profile> subtract_base(Profile current, Profile base, bool diff_base, const std::string& current_source,
                              const std::string& base_source, bool normalize, SampleUse use) {
  if (normalize) normalize_to(current, base);
  // -diff_base keeps the two sides apart: every base sample is labelled,
  // so none equals a current one (unless the current already carries the
  // label).
  const bool apart = diff_base && std::none_of(current.samples.begin(), current.samples.end(), is_base_sample);
  if (diff_base) {
    // Each distinct label set gains pprof::base=true once.
    std::unordered_map<const void*, std::pair<Labels, Labels>> marked;  // keeps the source alive, as above
    for (auto& s : base.samples) {
      auto [it, inserted] = marked.try_emplace(s.labels.copy_id());
      if (inserted) {
        std::vector<Label> labels;
        for (const auto& l : s.labels) {
          if (l.key != kBaseLabel) labels.push_back(l);
        }
        labels.push_back(Label{kBaseLabel, "true", 0, ""});
        it->second = {s.labels, Labels(std::move(labels))};
      }
      s.labels = it->second.second;
    }
  }
  scale_profile(base, -1.0);
  std::vector<Profile> both;
  both.push_back(std::move(current));
  both.push_back(std::move(base));
  std::vector<Profile*> ptrs = {&both[0], &both[1]};
  return merge_all(ptrs, {current_source, base_source}, use, apart);
}

}  // namespace ncprof::profile
