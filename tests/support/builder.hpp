#pragma once
// Builds small profiles in tests: stacks are written as function names,
// leaf first; "a+b" is one location with b inlined into a... written
// innermost first: "b>a" means b is inlined into its caller a.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ncprof/profile/profile.hpp"

namespace ncprof::test {

class ProfileBuilder {
 public:
  explicit ProfileBuilder(std::vector<profile::ValueType> types) { p_.sample_types = std::move(types); }

  static ProfileBuilder heap() {
    return ProfileBuilder({{"alloc_objects", "count"}, {"alloc_space", "bytes"}, {"inuse_objects", "count"},
                           {"inuse_space", "bytes"}});
  }
  static ProfileBuilder cpu() {
    ProfileBuilder b({{"samples", "count"}, {"cpu", "nanoseconds"}});
    b.p_.period_type = {"cpu", "nanoseconds"};
    b.p_.period = 10000000;
    return b;
  }

  // stack: locations leaf first; a location "f>g" holds f inlined into g.
  ProfileBuilder& sample(const std::vector<std::string>& stack, std::vector<std::int64_t> values,
                         std::vector<profile::Label> labels = {}) {
    profile::Sample s;
    for (const auto& loc : stack) s.location_ids.push_back(static_cast<profile::LocationRef>(location(loc)));
    s.values = std::move(values);
    s.labels = std::move(labels);
    p_.samples.push_back(std::move(s));
    return *this;
  }

  profile::Profile build() const { return p_; }

 private:
  std::uint64_t function(const std::string& name) {
    auto it = functions_.find(name);
    if (it != functions_.end()) return it->second;
    profile::Function f;
    f.id = p_.functions.size() + 1;
    f.name = name;
    f.system_name = name;
    f.filename = "/src/" + name.substr(0, name.find('.')) + ".go";
    f.start_line = 10;
    p_.functions.push_back(f);
    functions_[name] = f.id;
    return f.id;
  }

  std::uint64_t location(const std::string& spec) {
    auto it = locations_.find(spec);
    if (it != locations_.end()) return it->second;
    profile::Location l;
    l.id = p_.locations.size() + 1;
    l.address = 0x400000 + (std::hash<std::string>{}(spec) & 0xffff) * 0x10;
    std::size_t start = 0;
    while (start <= spec.size()) {
      std::size_t end = spec.find('>', start);
      if (end == std::string::npos) end = spec.size();
      std::string fn = spec.substr(start, end - start);
      auto fid = function(fn);
      l.lines.push_back(profile::Line{fid, 12, 0});
      start = end + 1;
    }
    p_.locations.push_back(l);
    locations_[spec] = l.id;
    return l.id;
  }

  profile::Profile p_;
  std::map<std::string, std::uint64_t> functions_;
  std::map<std::string, std::uint64_t> locations_;
};

}  // namespace ncprof::test
