#include "ncprof/profile/merge.hpp"
#include "ncprof/util/arith.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
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

class Merger {
 public:
  explicit Merger(Profile& out) : out_(out) {}

  void add(const Profile& src) {
    loc_by_id_.clear();
    func_by_id_.clear();
    map_by_id_.clear();
    src_maps_ = IdIndex(src.mappings);
    src_funcs_ = IdIndex(src.functions);
    src_locs_ = IdIndex(src.locations);
    src_ = &src;
    for (const auto& s : src.samples) {
      if (!all_zero(s)) add_sample(s);
    }
  }

 private:
  struct MapInfo {
    std::uint64_t id = 0;
    std::int64_t offset = 0;
  };

  MapInfo map_mapping(std::uint64_t src_id) {
    if (src_id == 0) return {};
    if (auto it = map_by_id_.find(src_id); it != map_by_id_.end()) return it->second;
    const Mapping& m = src_->mappings[src_maps_.find(src_id)];
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
    map_by_id_.emplace(src_id, info);
    return info;
  }

  std::uint64_t map_function(std::uint64_t src_id) {
    if (auto it = func_by_id_.find(src_id); it != func_by_id_.end()) return it->second;
    const Function& f = src_->functions[src_funcs_.find(src_id)];
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
    func_by_id_.emplace(src_id, id);
    return id;
  }

  std::uint64_t map_location(std::uint64_t src_id) {
    if (auto it = loc_by_id_.find(src_id); it != loc_by_id_.end()) return it->second;
    const Location& l = src_->locations[src_locs_.find(src_id)];
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
    loc_by_id_.emplace(src_id, id);
    return id;
  }

  void add_sample(const Sample& s) {
    Sample ns;
    ns.location_ids.reserve(s.location_ids.size());
    for (auto id : s.location_ids) ns.location_ids.push_back(map_location(id));
    ns.labels = s.labels;
    std::sort(ns.labels.begin(), ns.labels.end(), [](const Label& a, const Label& b) {
      return std::tie(a.key, a.str, a.num, a.num_unit) < std::tie(b.key, b.str, b.num, b.num_unit);
    });
    std::vector<std::uint64_t> key = ns.location_ids;
    key.push_back(~0ull);  // separator between locations and labels
    for (const auto& l : ns.labels) {
      key.push_back(std::hash<std::string>{}(l.key));
      key.push_back(std::hash<std::string>{}(l.str));
      key.push_back(static_cast<std::uint64_t>(l.num));
      key.push_back(std::hash<std::string>{}(l.num_unit));
    }
    auto [it, inserted] = samples_.try_emplace(std::move(key), out_.samples.size());
    if (!inserted) {
      Sample& have = out_.samples[it->second];
      // A hash of label strings could collide: confirm before adding up.
      if (have.labels == ns.labels) {
        for (std::size_t i = 0; i < have.values.size(); ++i) have.values[i] = util::wrap_add(have.values[i], s.values[i]);
        return;
      }
      out_.samples.push_back(std::move(ns));
      out_.samples.back().values = s.values;
      return;
    }
    ns.values = s.values;
    out_.samples.push_back(std::move(ns));
  }

  Profile& out_;
  const Profile* src_ = nullptr;
  IdIndex src_maps_, src_funcs_, src_locs_;
  std::unordered_map<std::uint64_t, std::uint64_t> loc_by_id_, func_by_id_;
  std::unordered_map<std::uint64_t, MapInfo> map_by_id_;
  std::map<std::tuple<std::uint64_t, std::uint64_t, std::string>, std::size_t> mappings_;
  std::map<std::tuple<std::int64_t, std::string, std::string, std::string>, std::uint64_t> functions_;
  std::unordered_map<std::vector<std::uint64_t>, std::uint64_t, WordsHash> locations_;
  std::unordered_map<std::vector<std::uint64_t>, std::size_t, WordsHash> samples_;
};

}  // namespace

Result<Profile> merge_profiles(const std::vector<const Profile*>& profiles, const std::vector<std::string>& sources) {
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
  Merger merger(out);
  for (const Profile* p : profiles) merger.add(*p);
  // Values that cancel out (a base against itself) leave all-zero samples.
  std::erase_if(out.samples, all_zero);
  return out;
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

Result<Profile> subtract_base(const Profile& current, Profile base, bool diff_base, const std::string& current_source,
                              const std::string& base_source) {
  if (diff_base) {
    for (auto& s : base.samples) {
      std::erase_if(s.labels, [](const Label& l) { return l.key == kBaseLabel; });
      s.labels.push_back(Label{kBaseLabel, "true", 0, ""});
    }
  }
  scale_profile(base, -1.0);
  return merge_profiles({&current, &base}, {current_source, base_source});
}

}  // namespace ncprof::profile
