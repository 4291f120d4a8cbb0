#include "ncprof/profile/codec.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <google/protobuf/arena.h>

#include "ncprof/util/files.hpp"
#include "ncprof/util/gzip.hpp"
#include "profile.pb.h"

namespace ncprof::profile {

namespace pb = perftools::profiles;

namespace {

// What a body that is not a profile looks like, for the error message.
std::string describe_non_profile(std::string_view data) {
  std::string_view head = data.substr(0, 512);
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

class Strings {
 public:
  Strings(const google::protobuf::RepeatedPtrField<std::string>& table, const std::string& source)
      : table_(table), source_(source) {}
  // Returns false (and records the error) when the index is out of range.
  bool get(std::int64_t index, std::string& out, const char* what) {
    if (index < 0 || index >= table_.size()) {
      if (error_.empty()) {
        error_ = fmt::format("{}: invalid profile: {} string index {} out of range (table has {} strings)", source_,
                             what, index, table_.size());
      }
      return false;
    }
    out = table_.Get(static_cast<int>(index));
    return true;
  }
  const std::string& error() const { return error_; }

 private:
  const google::protobuf::RepeatedPtrField<std::string>& table_;
  const std::string& source_;
  std::string error_;
};

Result<Profile> from_message(const pb::Profile& m, const std::string& source) {
  const auto& table = m.string_table();
  if (table.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: invalid profile: empty string table", source));
  if (!table.Get(0).empty()) {
    return fail(ErrorKind::bad_input, fmt::format("{}: invalid profile: string table entry 0 is not empty", source));
  }
  Strings str(table, source);
  Profile p;
  p.sample_types.reserve(static_cast<std::size_t>(m.sample_type_size()));
  for (const auto& vt : m.sample_type()) {
    ValueType t;
    str.get(vt.type(), t.type, "sample type");
    str.get(vt.unit(), t.unit, "sample unit");
    p.sample_types.push_back(std::move(t));
  }
  const std::size_t ntypes = p.sample_types.size();
  p.samples.resize(static_cast<std::size_t>(m.sample_size()));
  for (int i = 0; i < m.sample_size(); ++i) {
    const auto& ms = m.sample(i);
    auto& s = p.samples[static_cast<std::size_t>(i)];
    if (static_cast<std::size_t>(ms.value_size()) != ntypes) {
      return fail(ErrorKind::bad_input, fmt::format("{}: invalid profile: sample {} has {} values for {} sample types",
                                                    source, i, ms.value_size(), ntypes));
    }
    s.location_ids.assign(ms.location_id().begin(), ms.location_id().end());
    s.values.assign(ms.value().begin(), ms.value().end());
    if (ms.label_size() > 0) {
      s.labels.resize(static_cast<std::size_t>(ms.label_size()));
      for (int j = 0; j < ms.label_size(); ++j) {
        const auto& ml = ms.label(j);
        auto& l = s.labels[static_cast<std::size_t>(j)];
        str.get(ml.key(), l.key, "label key");
        str.get(ml.str(), l.str, "label value");
        l.num = ml.num();
        str.get(ml.num_unit(), l.num_unit, "label unit");
      }
    }
  }
  p.mappings.reserve(static_cast<std::size_t>(m.mapping_size()));
  for (const auto& mm : m.mapping()) {
    Mapping x;
    x.id = mm.id();
    x.memory_start = mm.memory_start();
    x.memory_limit = mm.memory_limit();
    x.file_offset = mm.file_offset();
    str.get(mm.filename(), x.filename, "mapping file");
    str.get(mm.build_id(), x.build_id, "mapping build id");
    x.has_functions = mm.has_functions();
    x.has_filenames = mm.has_filenames();
    x.has_line_numbers = mm.has_line_numbers();
    x.has_inline_frames = mm.has_inline_frames();
    p.mappings.push_back(std::move(x));
  }
  p.locations.reserve(static_cast<std::size_t>(m.location_size()));
  for (const auto& ml : m.location()) {
    Location x;
    x.id = ml.id();
    x.mapping_id = ml.mapping_id();
    x.address = ml.address();
    x.is_folded = ml.is_folded();
    x.lines.reserve(static_cast<std::size_t>(ml.line_size()));
    for (const auto& ln : ml.line()) x.lines.push_back(Line{ln.function_id(), ln.line(), ln.column()});
    p.locations.push_back(std::move(x));
  }
  p.functions.reserve(static_cast<std::size_t>(m.function_size()));
  for (const auto& mf : m.function()) {
    Function f;
    f.id = mf.id();
    str.get(mf.name(), f.name, "function name");
    str.get(mf.system_name(), f.system_name, "function system name");
    str.get(mf.filename(), f.filename, "function file");
    f.start_line = mf.start_line();
    p.functions.push_back(std::move(f));
  }
  str.get(m.drop_frames(), p.drop_frames, "drop_frames");
  str.get(m.keep_frames(), p.keep_frames, "keep_frames");
  p.time_nanos = m.time_nanos();
  p.duration_nanos = m.duration_nanos();
  if (m.has_period_type()) {
    str.get(m.period_type().type(), p.period_type.type, "period type");
    str.get(m.period_type().unit(), p.period_type.unit, "period unit");
  }
  p.period = m.period();
  for (auto c : m.comment()) {
    std::string s;
    str.get(c, s, "comment");
    p.comments.push_back(std::move(s));
  }
  str.get(m.default_sample_type(), p.default_sample_type, "default sample type");
  str.get(m.doc_url(), p.doc_url, "doc url");
  if (!str.error().empty()) return fail(ErrorKind::bad_input, str.error());
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

Result<Profile> decode_profile(std::string_view bytes, const std::string& source, const DecodeOptions& opts) {
  if (bytes.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: empty file, not a profile", source));
  std::string inflated;
  std::string_view raw = bytes;
  if (util::is_gzip(bytes)) {
    auto out = util::gunzip(bytes, opts.max_decompressed, source);
    if (!out) return tl::unexpected(out.error());
    inflated = std::move(*out);
    raw = inflated;
    if (raw.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: empty gzip stream, not a profile", source));
  } else if (bytes.size() > opts.max_decompressed) {
    return fail(ErrorKind::bad_input, fmt::format("{}: profile larger than the limit of {} bytes", source,
                                                  opts.max_decompressed));
  }
  google::protobuf::ArenaOptions ao;
  ao.start_block_size = 64 * 1024;
  ao.max_block_size = 8 * 1024 * 1024;
  google::protobuf::Arena arena(ao);
  auto* msg = google::protobuf::Arena::CreateMessage<pb::Profile>(&arena);
  bool parsed = raw.size() <= static_cast<std::size_t>(INT32_MAX) &&
                msg->ParseFromArray(raw.data(), static_cast<int>(raw.size()));
  if (!parsed) {
    std::string what = describe_non_profile(raw);
    if (!what.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: {}", source, what));
    return fail(ErrorKind::bad_input, fmt::format("{}: not a valid pprof profile (truncated or corrupt protobuf)", source));
  }
  auto prof = from_message(*msg, source);
  if (!prof) {
    std::string what = describe_non_profile(raw);
    if (!what.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: {}", source, what));
    return prof;
  }
  if (auto ok = validate_profile(*prof, source); !ok) return tl::unexpected(ok.error());
  return prof;
}

Result<Profile> read_profile(const std::string& path, const DecodeOptions& opts) {
  auto data = util::read_file(path);
  if (!data) return tl::unexpected(data.error());
  return decode_profile(*data, path, opts);
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
