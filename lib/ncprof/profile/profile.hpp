#pragma once
// ncprof's own model of a pprof profile. Strings are resolved (no string
// table): the codec interns them again when writing.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ncprof::profile {

struct ValueType {
  std::string type;
  std::string unit;
  bool operator==(const ValueType&) const = default;
};

struct Label {
  std::string key;
  std::string str;       // set for string labels
  std::int64_t num = 0;  // set for numeric labels
  std::string num_unit;
  bool operator==(const Label&) const = default;
};

// A sample's labels, immutable and shared: the samples of a profile have
// few distinct label sets (a handler, a goroutine's pprof labels), so a
// million samples hold a million pointers to a few copies, not a million
// copies. Empty costs nothing.
class Labels {
 public:
  Labels() = default;
  Labels(std::vector<Label> labels)  // NOLINT: a list of labels is a label set
      : set_(labels.empty() ? nullptr : std::make_shared<const std::vector<Label>>(std::move(labels))) {}
  Labels(std::initializer_list<Label> labels) : Labels(std::vector<Label>(labels)) {}

  const Label* begin() const { return set_ ? set_->data() : nullptr; }
  const Label* end() const { return set_ ? set_->data() + set_->size() : nullptr; }
  std::size_t size() const { return set_ ? set_->size() : 0; }
  bool empty() const { return !set_; }
  const Label& operator[](std::size_t i) const { return (*set_)[i]; }
  // Equal sets from one decode or one merge share their copy.
  bool same_copy(const Labels& o) const { return set_ == o.set_; }
  const void* copy_id() const { return set_.get(); }
  bool operator==(const Labels& o) const {
    return set_ == o.set_ || (size() == o.size() && std::equal(begin(), end(), o.begin()));
  }

 private:
  std::shared_ptr<const std::vector<Label>> set_;
};

// A sample's reference to a location: 32 bits, half the memory of a
// profile's largest table. The decoder keeps the file's ids when they fit
// (Go numbers locations 1..n) and renumbers the locations when one does not.
using LocationRef = std::uint32_t;

struct Sample {
  std::vector<LocationRef> location_ids;  // leaf first
  std::vector<std::int64_t> values;         // one per sample type
  Labels labels;
};

struct Mapping {
  std::uint64_t id = 0;
  std::uint64_t memory_start = 0;
  std::uint64_t memory_limit = 0;
  std::uint64_t file_offset = 0;
  std::string filename;
  std::string build_id;
  bool has_functions = false;
  bool has_filenames = false;
  bool has_line_numbers = false;
  bool has_inline_frames = false;
};

struct Line {
  std::uint64_t function_id = 0;
  std::int64_t line = 0;
  std::int64_t column = 0;
};

struct Location {
  std::uint64_t id = 0;
  std::uint64_t mapping_id = 0;
  std::uint64_t address = 0;
  std::vector<Line> lines;  // [0] innermost inlined callee, last is the caller
  bool is_folded = false;
};

struct Function {
  std::uint64_t id = 0;
  std::string name;
  std::string system_name;
  std::string filename;
  std::int64_t start_line = 0;
};

struct Profile {
  std::vector<ValueType> sample_types;
  std::vector<Sample> samples;
  std::vector<Mapping> mappings;
  std::vector<Location> locations;
  std::vector<Function> functions;
  std::string drop_frames;
  std::string keep_frames;
  std::int64_t time_nanos = 0;
  std::int64_t duration_nanos = 0;
  ValueType period_type;
  std::int64_t period = 0;
  std::vector<std::string> comments;
  std::string default_sample_type;
  std::string doc_url;
};

// Maps ids to positions in a table. Dense ids use a vector, sparse a hash map.
class IdIndex {
 public:
  IdIndex() = default;
  template <class T>
  explicit IdIndex(const std::vector<T>& table) {
    std::uint64_t max_id = 0;
    for (const auto& e : table) max_id = std::max(max_id, e.id);
    dense_ = max_id <= table.size() * 4 + 1024;
    if (dense_) {
      slots_.assign(static_cast<std::size_t>(max_id) + 1, npos);
      for (std::size_t i = 0; i < table.size(); ++i) slots_[static_cast<std::size_t>(table[i].id)] = i;
    } else {
      map_.reserve(table.size());
      for (std::size_t i = 0; i < table.size(); ++i) map_.emplace(table[i].id, i);
    }
  }
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::size_t find_sparse(std::uint64_t id) const {
    auto it = map_.find(id);
    return it == map_.end() ? npos : it->second;
  }
  [[gnu::always_inline]] std::size_t find(std::uint64_t id) const {
    if (dense_) [[likely]]
      return id < slots_.size() ? slots_[static_cast<std::size_t>(id)] : npos;
    return find_sparse(id);
  }

 private:
  bool dense_ = true;
  std::vector<std::size_t> slots_;
  std::unordered_map<std::uint64_t, std::size_t> map_;
};

// The index of the sample type pprof uses by default: default_sample_type
// when set and present, else the last one.
std::size_t default_sample_index(const Profile& p);
// The same, from the sample types and the default type's name.
std::size_t default_sample_index(const std::vector<ValueType>& types, const std::string& default_type);

// Resolves a --sample-index argument: a number or a type name ("inuse_"
// prefix optional, as pprof accepts). Empty means the default.
std::optional<std::size_t> find_sample_index(const Profile& p, const std::string& spec);

std::string sample_type_names(const Profile& p);

// Sum of one value over all samples.
std::int64_t total_value(const Profile& p, std::size_t index);

}  // namespace ncprof::profile
