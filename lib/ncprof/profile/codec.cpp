#include "ncprof/profile/codec.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <google/protobuf/arena.h>

#include "ncprof/util/arith.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/profile/folded.hpp"
#include "ncprof/profile/legacy_text.hpp"
#include "ncprof/profile/wire.hpp"
#include "ncprof/util/gzip.hpp"
#include "profile.pb.h"

namespace ncprof::profile {

namespace pb = perftools::profiles;

namespace {

// What a body that is not a profile looks like, for the error message.
std::string describe_non_profile(std::string_view data) {
  std::string_view head = data.substr(0, 512);
  // A Go execution trace ("go 1.19 trace\0\0\0"): right file, wrong tool.
  if (head.rfind("go 1.", 0) == 0 && head.substr(0, 16).find(" trace") != std::string_view::npos) {
    return "a Go execution trace, not a profile (open it with go tool trace)";
  }
  std::size_t start = 0;
  while (start < head.size() && std::isspace(static_cast<unsigned char>(head[start]))) ++start;
  std::string lower;
  for (char c : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("<html") != std::string::npos || lower.find("<!doctype") != std::string::npos ||
      (start < head.size() && head[start] == '<')) {
    return "an HTML page, not a profile";
  }
  bool printable = !head.empty();
  for (char c : head) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\r' && c != '\t') {
      printable = false;
      break;
    }
  }
  if (printable) {
    std::string first(head.substr(start));
    first = first.substr(0, first.find_first_of("\r\n"));
    if (first.size() > 60) first = first.substr(0, 60) + "...";
    return fmt::format("text, not a profile (\"{}\")", first);
  }
  return {};
}

// The string table, read in a first pass (Go writes it after the samples),
// so that every index resolves as it is read. Records the first bad index.
//
// Every string the model holds is a copy, so a small profile that points
// many labels at one huge string would inflate without bound: the copies
// are limited to a multiple of the profile's own size.
class StringRefs {
 public:
  StringRefs(const std::vector<std::string_view>& table, const std::string& source, std::uint64_t raw_size)
      : table_(table), source_(source), budget_((64ull << 20) + 8 * raw_size) {}
  void add(std::int64_t index, std::string* target, const char* what) {
    if (index < 0 || static_cast<std::uint64_t>(index) >= table_.size()) {
      if (error_.empty()) {
        error_ = fmt::format("{}: invalid profile: {} string index {} out of range (table has {} strings)", source_,
                             what, index, table_.size());
      }
      return;
    }
    const std::string_view s = table_[static_cast<std::size_t>(index)];
    copied_ += s.size();
    if (copied_ > budget_) {
      if (error_.empty()) {
        error_ = fmt::format("{}: invalid profile: its strings are referenced over {} MiB worth, more than 8 times "
                             "its size (many references to long strings)",
                             source_, budget_ >> 20);
      }
      return;
    }
    target->assign(s);
  }
  const std::string& error() const { return error_; }

 private:
  const std::vector<std::string_view>& table_;
  const std::string& source_;
  std::uint64_t budget_;
  std::uint64_t copied_ = 0;
  std::string error_;
};

std::int64_t as_int(std::uint64_t v) { return static_cast<std::int64_t>(v); }

// A ValueType message's string indexes (type, unit); false when corrupt.
bool read_value_type_indexes(std::string_view data, std::int64_t& type, std::int64_t& unit) {
  wire::Reader r(data);
  std::uint32_t f, t;
  type = unit = 0;
  while (r.next(f, t)) {
    if (f == 1) {
      type = as_int(r.scalar(t));
    } else if (f == 2) {
      unit = as_int(r.scalar(t));
    } else {
      r.skip(t);
    }
  }
  return r.ok();
}

void read_value_type(std::string_view data, ValueType& out, StringRefs& refs, wire::Reader& parent,
                     const char* what) {
  std::int64_t type = 0, unit = 0;
  if (!read_value_type_indexes(data, type, unit)) parent.fail();
  refs.add(type, &out.type, what);
  refs.add(unit, &out.unit, what);
}

Label read_label(std::string_view data, StringRefs& refs, wire::Reader& parent) {
  wire::Reader r(data);
  std::int64_t key = 0, str = 0, unit = 0;
  Label l;
  std::uint32_t f, t;
  while (r.next(f, t)) {
    if (f == 1) {
      key = as_int(r.scalar(t));
    } else if (f == 2) {
      str = as_int(r.scalar(t));
    } else if (f == 3) {
      l.num = as_int(r.scalar(t));
    } else if (f == 4) {
      unit = as_int(r.scalar(t));
    } else {
      r.skip(t);
    }
  }
  if (!r.ok()) parent.fail();
  refs.add(key, &l.key, "label key");
  refs.add(str, &l.str, "label value");
  refs.add(unit, &l.num_unit, "label unit");
  return l;
}

// Samples whose label messages are the same bytes share one label set,
// resolved (and its strings copied) once.
class LabelSets {
 public:
  // One sample's label messages, then the set they make.
  void begin_sample() { messages_.clear(); }
  void add(std::string_view message) { messages_.push_back(message); }
  Labels end_sample(StringRefs& refs, wire::Reader& parent) {
    if (messages_.empty()) return {};
    key_.clear();
    for (auto m : messages_) {
      const std::size_t n = m.size();
      key_.append(reinterpret_cast<const char*>(&n), sizeof n);
      key_.append(m);
    }
    if (auto it = sets_.find(std::string_view(key_)); it != sets_.end()) return it->second;
    std::vector<Label> labels;
    labels.reserve(messages_.size());
    for (auto m : messages_) labels.push_back(read_label(m, refs, parent));
    return sets_.emplace(key_, Labels(std::move(labels))).first->second;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string_view> messages_;
  std::string key_;
  std::unordered_map<std::string, Labels, Hash, std::equal_to<>> sets_;
};

// Samples' location ids as LocationRefs: the file's own ids when every
// location's fits in 32 bits, else each location's position + 1 (the
// locations are renumbered to match). Records the first id no location has.
class LocationRefs {
 public:
  // From the first pass: every location's id, in file order.
  explicit LocationRefs(const std::vector<std::uint64_t>& location_ids) {
    const std::uint64_t max_id = location_ids.empty() ? 0 : *std::max_element(location_ids.begin(), location_ids.end());
    if (max_id <= std::numeric_limits<LocationRef>::max()) return;
    renumbered_.reserve(location_ids.size());
    for (std::size_t i = 0; i < location_ids.size(); ++i) {
      renumbered_.emplace(location_ids[i], static_cast<LocationRef>(i + 1));
    }
  }
  bool renumbered() const { return !renumbered_.empty(); }
  std::vector<std::uint64_t>& scratch() { return scratch_; }
  // Converts the scratch ids of sample `index` into `out`.
  void convert(std::size_t index, std::vector<LocationRef>& out, const std::string& source) {
    out.reserve(scratch_.size());
    for (auto id : scratch_) {
      LocationRef ref = 0;
      if (renumbered()) {
        auto it = renumbered_.find(id);
        ref = it == renumbered_.end() ? 0 : it->second;
      } else if (id <= std::numeric_limits<LocationRef>::max()) {
        ref = static_cast<LocationRef>(id);
      }
      if (ref == 0 && id != 0 && error_.empty()) {
        error_ = fmt::format("{}: invalid profile: sample {} refers to missing location {}", source, index, id);
      }
      out.push_back(ref);
    }
    scratch_.clear();
  }
  LocationRef location_id(std::size_t position, std::uint64_t id) const {
    return renumbered() ? static_cast<LocationRef>(position + 1) : static_cast<LocationRef>(id);
  }
  const std::string& error() const { return error_; }

 private:
  std::unordered_map<std::uint64_t, LocationRef> renumbered_;
  std::vector<std::uint64_t> scratch_;
  std::string error_;
};

void read_sample(std::string_view data, Sample& s, StringRefs& refs, LabelSets& sets, LocationRefs& locs,
                 std::size_t index, const std::string& source, wire::Reader& parent) {
  wire::Reader r(data);
  std::uint32_t f, t;
  sets.begin_sample();
  while (r.next(f, t)) {
    switch (f) {
      case 1:
        r.repeated_varint(t, locs.scratch());
        break;
      case 2:
        r.repeated_varint(t, s.values);
        break;
      case 3:
        if (t != wire::kLen) {
          r.fail();
          break;
        }
        sets.add(r.bytes());
        break;
      default:
        r.skip(t);
    }
  }
  if (!r.ok()) parent.fail();
  s.labels = sets.end_sample(refs, parent);
  locs.convert(index, s.location_ids, source);
}

void read_mapping(std::string_view data, Mapping& m, StringRefs& refs, wire::Reader& parent) {
  wire::Reader r(data);
  std::uint32_t f, t;
  std::int64_t file = 0, build = 0;
  while (r.next(f, t)) {
    switch (f) {
      case 1: m.id = r.scalar(t); break;
      case 2: m.memory_start = r.scalar(t); break;
      case 3: m.memory_limit = r.scalar(t); break;
      case 4: m.file_offset = r.scalar(t); break;
      case 5: file = as_int(r.scalar(t)); break;
      case 6: build = as_int(r.scalar(t)); break;
      case 7: m.has_functions = r.scalar(t) != 0; break;
      case 8: m.has_filenames = r.scalar(t) != 0; break;
      case 9: m.has_line_numbers = r.scalar(t) != 0; break;
      case 10: m.has_inline_frames = r.scalar(t) != 0; break;
      default: r.skip(t);
    }
  }
  if (!r.ok()) parent.fail();
  refs.add(file, &m.filename, "mapping file");
  refs.add(build, &m.build_id, "mapping build id");
}

void read_location(std::string_view data, Location& l, wire::Reader& parent) {
  wire::Reader r(data);
  std::uint32_t f, t;
  while (r.next(f, t)) {
    switch (f) {
      case 1: l.id = r.scalar(t); break;
      case 2: l.mapping_id = r.scalar(t); break;
      case 3: l.address = r.scalar(t); break;
      case 4: {
        if (t != wire::kLen) {
          r.fail();
          break;
        }
        wire::Reader lr(r.bytes());
        Line ln;
        std::uint32_t lf, lt;
        while (lr.next(lf, lt)) {
          if (lf == 1) {
            ln.function_id = lr.scalar(lt);
          } else if (lf == 2) {
            ln.line = as_int(lr.scalar(lt));
          } else if (lf == 3) {
            ln.column = as_int(lr.scalar(lt));
          } else {
            lr.skip(lt);
          }
        }
        if (!lr.ok()) r.fail();
        l.lines.push_back(ln);
        break;
      }
      case 5: l.is_folded = r.scalar(t) != 0; break;
      default: r.skip(t);
    }
  }
  if (!r.ok()) parent.fail();
}

void read_function(std::string_view data, Function& fn, StringRefs& refs, wire::Reader& parent) {
  wire::Reader r(data);
  std::uint32_t f, t;
  std::int64_t name = 0, sys = 0, file = 0;
  while (r.next(f, t)) {
    switch (f) {
      case 1: fn.id = r.scalar(t); break;
      case 2: name = as_int(r.scalar(t)); break;
      case 3: sys = as_int(r.scalar(t)); break;
      case 4: file = as_int(r.scalar(t)); break;
      case 5: fn.start_line = as_int(r.scalar(t)); break;
      default: r.skip(t);
    }
  }
  if (!r.ok()) parent.fail();
  refs.add(name, &fn.name, "function name");
  refs.add(sys, &fn.system_name, "function system name");
  refs.add(file, &fn.filename, "function file");
}

// A location message's id (field 1), for the first pass.
std::uint64_t location_id(std::string_view data) {
  wire::Reader r(data);
  std::uint32_t f, t;
  std::uint64_t id = 0;
  while (r.next(f, t)) {
    if (f == 1) {
      id = r.scalar(t);
    } else {
      r.skip(t);
    }
  }
  return id;
}

// Parses the wire bytes into the model, checking every string index.
Result<Profile> parse_wire(std::string_view raw, const std::string& source) {
  auto corrupt = [&source]() {
    return fail(ErrorKind::bad_input, fmt::format("{}: not a valid pprof profile (truncated or corrupt protobuf)", source));
  };
  // Pass 1: the string table and the number of each repeated message.
  std::vector<std::string_view> table;
  std::vector<std::uint64_t> location_ids;
  std::size_t n_samples = 0, n_functions = 0, n_mappings = 0;
  {
    wire::Reader r(raw);
    std::uint32_t f, t;
    while (r.next(f, t)) {
      if (f == 6 && t == wire::kLen) {
        table.push_back(r.bytes());
        continue;
      }
      n_samples += f == 2;
      n_mappings += f == 3;
      n_functions += f == 5;
      if (f == 4 && t == wire::kLen) {
        location_ids.push_back(location_id(r.bytes()));
        continue;
      }
      r.skip(t);
    }
    if (!r.ok()) return corrupt();
  }
  if (table.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: invalid profile: empty string table", source));
  if (!table[0].empty()) {
    return fail(ErrorKind::bad_input, fmt::format("{}: invalid profile: string table entry 0 is not empty", source));
  }
  Profile p;
  p.samples.reserve(n_samples);
  p.locations.reserve(location_ids.size());
  p.functions.reserve(n_functions);
  p.mappings.reserve(n_mappings);
  StringRefs refs(table, source, raw.size());
  LabelSets label_sets;
  LocationRefs location_refs(location_ids);
  std::vector<std::uint64_t>().swap(location_ids);
  std::int64_t drop = 0, keep = 0, dst = 0, doc = 0;
  std::vector<std::int64_t> comments;
  wire::Reader r(raw);
  std::uint32_t f, t;
  while (r.next(f, t)) {
    switch (f) {
      case 1:
        p.sample_types.emplace_back();
        read_value_type(r.bytes(), p.sample_types.back(), refs, r, "sample type");
        break;
      case 2:
        p.samples.emplace_back();
        read_sample(r.bytes(), p.samples.back(), refs, label_sets, location_refs, p.samples.size() - 1, source, r);
        break;
      case 3:
        p.mappings.emplace_back();
        read_mapping(r.bytes(), p.mappings.back(), refs, r);
        break;
      case 4:
        p.locations.emplace_back();
        read_location(r.bytes(), p.locations.back(), r);
        p.locations.back().id = location_refs.location_id(p.locations.size() - 1, p.locations.back().id);
        break;
      case 5:
        p.functions.emplace_back();
        read_function(r.bytes(), p.functions.back(), refs, r);
        break;
      case 7: drop = as_int(r.scalar(t)); break;
      case 8: keep = as_int(r.scalar(t)); break;
      case 9: p.time_nanos = as_int(r.scalar(t)); break;
      case 10: p.duration_nanos = as_int(r.scalar(t)); break;
      case 11: read_value_type(r.bytes(), p.period_type, refs, r, "period type"); break;
      case 12: p.period = as_int(r.scalar(t)); break;
      case 13: r.repeated_varint(t, comments); break;
      case 14: dst = as_int(r.scalar(t)); break;
      case 15: doc = as_int(r.scalar(t)); break;
      default: r.skip(t);
    }
  }
  if (!r.ok()) return corrupt();
  refs.add(drop, &p.drop_frames, "drop_frames");
  refs.add(keep, &p.keep_frames, "keep_frames");
  refs.add(dst, &p.default_sample_type, "default sample type");
  refs.add(doc, &p.doc_url, "doc url");
  p.comments.resize(comments.size());
  for (std::size_t i = 0; i < comments.size(); ++i) refs.add(comments[i], &p.comments[i], "comment");
  if (!refs.error().empty()) return fail(ErrorKind::bad_input, refs.error());
  if (!location_refs.error().empty()) return fail(ErrorKind::bad_input, location_refs.error());
  return p;
}

template <class T>
Result<IdIndex> unique_ids(const std::vector<T>& table, const char* what, const std::string& source) {
  std::unordered_set<std::uint64_t> seen;
  seen.reserve(table.size());
  for (const auto& e : table) {
    if (e.id == 0) return fail(ErrorKind::bad_input, fmt::format("{}: invalid profile: {} with reserved id 0", source, what));
    if (!seen.insert(e.id).second) {
      return fail(ErrorKind::bad_input, fmt::format("{}: invalid profile: duplicate {} id {}", source, what, e.id));
    }
  }
  return IdIndex(table);
}

}  // namespace

Result<void> validate_profile(const Profile& p, const std::string& source) {
  auto maps = unique_ids(p.mappings, "mapping", source);
  if (!maps) return tl::unexpected(maps.error());
  auto funcs = unique_ids(p.functions, "function", source);
  if (!funcs) return tl::unexpected(funcs.error());
  auto locs = unique_ids(p.locations, "location", source);
  if (!locs) return tl::unexpected(locs.error());
  if (p.sample_types.empty() && !p.samples.empty()) {
    return fail(ErrorKind::bad_input, fmt::format("{}: invalid profile: samples but no sample types", source));
  }
  for (const auto& l : p.locations) {
    if (l.mapping_id != 0 && maps->find(l.mapping_id) == IdIndex::npos) {
      return fail(ErrorKind::bad_input,
                  fmt::format("{}: invalid profile: location {} refers to missing mapping {}", source, l.id, l.mapping_id));
    }
    for (const auto& ln : l.lines) {
      if (funcs->find(ln.function_id) == IdIndex::npos) {
        return fail(ErrorKind::bad_input, fmt::format("{}: invalid profile: location {} refers to missing function {}",
                                                      source, l.id, ln.function_id));
      }
    }
  }
  for (std::size_t i = 0; i < p.samples.size(); ++i) {
    const auto& s = p.samples[i];
    if (s.values.size() != p.sample_types.size()) {
      return fail(ErrorKind::bad_input, fmt::format("{}: invalid profile: sample {} has {} values for {} sample types",
                                                    source, i, s.values.size(), p.sample_types.size()));
    }
    for (auto id : s.location_ids) {
      if (locs->find(id) == IdIndex::npos) {
        return fail(ErrorKind::bad_input,
                    fmt::format("{}: invalid profile: sample {} refers to missing location {}", source, i, id));
      }
    }
  }
  return {};
}

namespace {

// Parses and validates uncompressed protobuf bytes.
Result<Profile> parse_checked(std::string_view raw, const std::string& source, const DecodeOptions& opts) {
  if (raw.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: empty profile data, not a profile", source));
  if (raw.size() > opts.max_decompressed) {
    return fail(ErrorKind::bad_input,
                fmt::format("{}: profile larger than the limit of {} bytes", source, opts.max_decompressed));
  }
  auto prof = parse_wire(raw, source);
  if (!prof) {
    // The debug=1 texts of net/http/pprof ("heap profile: ...",
    // "goroutine profile: total N", "--- mutex:").
    if (looks_legacy_text(raw)) return parse_legacy_text(raw, source);
    // Text whose first line is "frame;frame;... count": folded stacks.
    if (looks_folded(raw)) return parse_folded(raw, source);
    // Say what the body looks like when it is plainly not a profile.
    std::string what = describe_non_profile(raw);
    if (!what.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: {}", source, what));
    return prof;
  }
  if (auto ok = validate_profile(*prof, source); !ok) return tl::unexpected(ok.error());
  return prof;
}

}  // namespace

Result<Profile> decode_profile(std::string_view bytes, const std::string& source, const DecodeOptions& opts) {
  if (bytes.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: empty file, not a profile", source));
  if (!util::is_gzip(bytes)) return parse_checked(bytes, source, opts);
  auto raw = util::gunzip(bytes, opts.max_decompressed, source);
  if (!raw) return tl::unexpected(raw.error());
  return parse_checked(*raw, source, opts);
}

namespace {

// The summary straight from the wire bytes; nullopt when the bytes are not
// plainly a valid profile (decode_profile then says why, or reads them).
std::optional<ProfileSummary> summarize_wire(std::string_view raw) {
  std::vector<std::string_view> table;
  std::vector<std::uint64_t> location_ids;
  std::vector<std::pair<std::int64_t, std::int64_t>> types;  // string indexes
  std::int64_t default_type = 0;
  wire::Reader r(raw);
  std::uint32_t f, t;
  while (r.next(f, t)) {
    if (f == 6 && t == wire::kLen) {
      table.push_back(r.bytes());
    } else if (f == 4 && t == wire::kLen) {
      location_ids.push_back(location_id(r.bytes()));
    } else if (f == 1) {
      std::int64_t type = 0, unit = 0;
      if (t != wire::kLen || !read_value_type_indexes(r.bytes(), type, unit)) return std::nullopt;
      types.emplace_back(type, unit);
    } else if (f == 14) {
      default_type = as_int(r.scalar(t));
    } else {
      r.skip(t);
    }
  }
  if (!r.ok() || table.empty() || !table[0].empty()) return std::nullopt;
  auto str = [&table](std::int64_t i) -> std::optional<std::string> {
    if (i < 0 || static_cast<std::uint64_t>(i) >= table.size()) return std::nullopt;
    return std::string(table[static_cast<std::size_t>(i)]);
  };
  ProfileSummary out;
  for (const auto& [type, unit] : types) {
    auto ts = str(type), us = str(unit);
    if (!ts || !us) return std::nullopt;
    out.sample_types.push_back(ValueType{*ts, *us});
  }
  auto dst = str(default_type);
  if (!dst) return std::nullopt;
  out.default_index = default_sample_index(out.sample_types, *dst);
  std::sort(location_ids.begin(), location_ids.end());
  if (std::adjacent_find(location_ids.begin(), location_ids.end()) != location_ids.end()) return std::nullopt;
  std::vector<std::int64_t> values;
  std::vector<std::uint64_t> locs;
  wire::Reader samples(raw);
  while (samples.next(f, t)) {
    if (f != 2) {
      samples.skip(t);
      continue;
    }
    if (t != wire::kLen) return std::nullopt;
    wire::Reader smp(samples.bytes());
    values.clear();
    locs.clear();
    std::uint32_t sf, st;
    while (smp.next(sf, st)) {
      if (sf == 1) {
        smp.repeated_varint(st, locs);
      } else if (sf == 2) {
        smp.repeated_varint(st, values);
      } else {
        smp.skip(st);
      }
    }
    // (no sample types: a sample is refused, as decode refuses it)
    if (!smp.ok() || values.empty() || values.size() != out.sample_types.size()) return std::nullopt;
    for (auto id : locs) {
      if (!std::binary_search(location_ids.begin(), location_ids.end(), id)) return std::nullopt;
    }
    ++out.samples;
    out.total = util::wrap_add(out.total, values[out.default_index]);
    out.empty = out.empty && std::all_of(values.begin(), values.end(), [](std::int64_t v) { return v == 0; });
  }
  if (!samples.ok()) return std::nullopt;
  return out;
}

}  // namespace

ProfileSummary summarize(const Profile& p) {
  ProfileSummary out;
  out.sample_types = p.sample_types;
  out.default_index = default_sample_index(p);
  out.samples = p.samples.size();
  out.total = p.sample_types.empty() ? 0 : total_value(p, out.default_index);
  out.empty = std::none_of(p.samples.begin(), p.samples.end(), [](const Sample& smp) {
    return std::any_of(smp.values.begin(), smp.values.end(), [](std::int64_t v) { return v != 0; });
  });
  return out;
}

Result<ProfileSummary> summarize_profile(std::string_view bytes, const std::string& source, const DecodeOptions& opts) {
  std::string inflated;
  std::string_view raw = bytes;
  if (util::is_gzip(bytes)) {
    auto data = util::gunzip(bytes, opts.max_decompressed, source);
    if (!data) return tl::unexpected(data.error());
    inflated = std::move(*data);
    raw = inflated;
  }
  if (!raw.empty() && raw.size() <= opts.max_decompressed) {
    if (auto quick = summarize_wire(raw)) return *quick;
  }
  auto full = decode_profile(bytes, source, opts);
  if (!full) return tl::unexpected(full.error());
  return summarize(*full);
}

Result<Profile> read_profile(const std::string& path, const DecodeOptions& opts) {
  auto data = util::read_file(path);
  if (!data) return tl::unexpected(data.error());
  if (data->empty()) return fail(ErrorKind::bad_input, fmt::format("{}: empty file, not a profile", path));
  if (util::is_gzip(*data)) {
    auto raw = util::gunzip(*data, opts.max_decompressed, path);
    if (!raw) return tl::unexpected(raw.error());
    std::string().swap(*data);  // the compressed bytes are not needed while parsing
    *data = std::move(*raw);
  }
  return parse_checked(*data, path, opts);
}

namespace {

class StringTable {
 public:
  explicit StringTable(pb::Profile& m) : m_(m) { intern(""); }
  std::int64_t intern(const std::string& s) {
    auto [it, inserted] = index_.try_emplace(s, static_cast<std::int64_t>(index_.size()));
    if (inserted) m_.add_string_table(s);
    return it->second;
  }

 private:
  pb::Profile& m_;
  std::unordered_map<std::string, std::int64_t> index_;
};

}  // namespace

std::string encode_profile(const Profile& p) {
  google::protobuf::Arena arena;
  auto* m = google::protobuf::Arena::CreateMessage<pb::Profile>(&arena);
  StringTable st(*m);
  for (const auto& t : p.sample_types) {
    auto* vt = m->add_sample_type();
    vt->set_type(st.intern(t.type));
    vt->set_unit(st.intern(t.unit));
  }
  for (const auto& s : p.samples) {
    auto* ms = m->add_sample();
    ms->mutable_location_id()->Add(s.location_ids.begin(), s.location_ids.end());
    ms->mutable_value()->Add(s.values.begin(), s.values.end());
    for (const auto& l : s.labels) {
      auto* ml = ms->add_label();
      ml->set_key(st.intern(l.key));
      if (!l.str.empty()) ml->set_str(st.intern(l.str));
      ml->set_num(l.num);
      if (!l.num_unit.empty()) ml->set_num_unit(st.intern(l.num_unit));
    }
  }
  for (const auto& x : p.mappings) {
    auto* mm = m->add_mapping();
    mm->set_id(x.id);
    mm->set_memory_start(x.memory_start);
    mm->set_memory_limit(x.memory_limit);
    mm->set_file_offset(x.file_offset);
    mm->set_filename(st.intern(x.filename));
    mm->set_build_id(st.intern(x.build_id));
    mm->set_has_functions(x.has_functions);
    mm->set_has_filenames(x.has_filenames);
    mm->set_has_line_numbers(x.has_line_numbers);
    mm->set_has_inline_frames(x.has_inline_frames);
  }
  for (const auto& x : p.locations) {
    auto* ml = m->add_location();
    ml->set_id(x.id);
    ml->set_mapping_id(x.mapping_id);
    ml->set_address(x.address);
    ml->set_is_folded(x.is_folded);
    for (const auto& ln : x.lines) {
      auto* l = ml->add_line();
      l->set_function_id(ln.function_id);
      l->set_line(ln.line);
      l->set_column(ln.column);
    }
  }
  for (const auto& f : p.functions) {
    auto* mf = m->add_function();
    mf->set_id(f.id);
    mf->set_name(st.intern(f.name));
    mf->set_system_name(st.intern(f.system_name));
    mf->set_filename(st.intern(f.filename));
    mf->set_start_line(f.start_line);
  }
  if (!p.drop_frames.empty()) m->set_drop_frames(st.intern(p.drop_frames));
  if (!p.keep_frames.empty()) m->set_keep_frames(st.intern(p.keep_frames));
  m->set_time_nanos(p.time_nanos);
  m->set_duration_nanos(p.duration_nanos);
  if (!p.period_type.type.empty() || !p.period_type.unit.empty()) {
    m->mutable_period_type()->set_type(st.intern(p.period_type.type));
    m->mutable_period_type()->set_unit(st.intern(p.period_type.unit));
  }
  m->set_period(p.period);
  for (const auto& c : p.comments) m->add_comment(st.intern(c));
  if (!p.default_sample_type.empty()) m->set_default_sample_type(st.intern(p.default_sample_type));
  if (!p.doc_url.empty()) m->set_doc_url(st.intern(p.doc_url));
  return util::gzip(m->SerializeAsString(), 6);
}

Result<void> write_profile(const std::string& path, const Profile& p) {
  return util::write_file_atomic(path, encode_profile(p));
}

}  // namespace ncprof::profile
