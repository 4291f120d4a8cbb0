#include "ncprof/profile/profile.hpp"
#include "ncprof/util/arith.hpp"

#include <charconv>

namespace ncprof::profile {

std::size_t default_sample_index(const std::vector<ValueType>& types, const std::string& default_type) {
  if (!default_type.empty()) {
    for (std::size_t i = 0; i < types.size(); ++i) {
      if (types[i].type == default_type) return i;
    }
  }
  return types.empty() ? 0 : types.size() - 1;
}

std::size_t default_sample_index(const Profile& p) { return default_sample_index(p.sample_types, p.default_sample_type); }

std::optional<std::size_t> find_sample_index(const Profile& p, const std::string& spec) {
  if (spec.empty()) return default_sample_index(p);
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), n);
  if (ec == std::errc() && ptr == spec.data() + spec.size()) {
    if (n < p.sample_types.size()) return n;
    return std::nullopt;
  }
  std::string no_inuse = spec.rfind("inuse_", 0) == 0 ? spec.substr(6) : spec;
  for (std::size_t i = 0; i < p.sample_types.size(); ++i) {
    if (p.sample_types[i].type == spec || p.sample_types[i].type == no_inuse) return i;
  }
  return std::nullopt;
}

std::string sample_type_names(const Profile& p) {
  std::string out;
  for (const auto& st : p.sample_types) {
    if (!out.empty()) out += ", ";
    out += st.type;
  }
  return out;
}

std::int64_t total_value(const Profile& p, std::size_t index) {
  std::int64_t sum = 0;
  for (const auto& s : p.samples) {
    if (index < s.values.size()) sum = util::wrap_add(sum, s.values[index]);
  }
  return sum;
}

}  // namespace ncprof::profile
