#include "ncprof/profile/measure.hpp"

#include <limits>
#include "ncprof/util/arith.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

namespace ncprof::profile {

namespace {

struct Unit {
  const char* name;
  std::vector<std::string> aliases;
  double factor;
};

struct UnitType {
  std::vector<Unit> units;
  Unit default_unit;
};

const std::vector<UnitType>& unit_types() {
  static const std::vector<UnitType> types = {
      {{{"B", {"b", "byte"}, 1},
        {"kB", {"kb", "kbyte", "kilobyte"}, 1024.0},
        {"MB", {"mb", "mbyte", "megabyte"}, 1048576.0},
        {"GB", {"gb", "gbyte", "gigabyte"}, 1073741824.0},
        {"TB", {"tb", "tbyte", "terabyte"}, 1099511627776.0},
        {"PB", {"pb", "pbyte", "petabyte"}, 1125899906842624.0}},
       {"B", {"b", "byte"}, 1}},
      {{{"ns", {"ns", "nanosecond"}, 1},
        {"us", {"\xce\xbcs", "us", "microsecond"}, 1e3},
        {"ms", {"ms", "millisecond"}, 1e6},
        {"s", {"s", "sec", "second"}, 1e9},
        {"hrs", {"hour", "hr"}, 3600e9}},
       {"s", {}, 1e9}},
      {{{"n*GCU", {"nanogcu"}, 1e-9},
        {"u*GCU", {"microgcu"}, 1e-6},
        {"m*GCU", {"milligcu"}, 1e-3},
        {"GCU", {"gcu"}, 1},
        {"k*GCU", {"kilogcu"}, 1e3},
        {"M*GCU", {"megagcu"}, 1e6},
        {"G*GCU", {"gigagcu"}, 1e9},
        {"T*GCU", {"teragcu"}, 1e12},
        {"P*GCU", {"petagcu"}, 1e15}},
       {"GCU", {}, 1.0}},
  };
  return types;
}

const Unit* sniff_unit(const UnitType& ut, std::string unit) {
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
  if (unit.size() > 2 && unit.back() == 's') unit.pop_back();
  for (const auto& u : ut.units) {
    if (std::find(u.aliases.begin(), u.aliases.end(), unit) != u.aliases.end()) return &u;
  }
  return nullptr;
}

bool convert_unit(const UnitType& ut, std::int64_t value, const std::string& from, const std::string& to,
                  double& out, std::string& unit) {
  const Unit* from_unit = sniff_unit(ut, from);
  if (!from_unit) return false;
  double v = static_cast<double>(value) * from_unit->factor;
  if (to == "minimum" || to == "auto") {
    double f = 0;
    const char* name = nullptr;
    for (const auto& u : ut.units) {
      if (u.factor >= f && v / u.factor >= 1.0) {
        f = u.factor;
        name = u.name;
      }
    }
    if (f != 0) {
      out = v / f;
      unit = name;
      return true;
    }
    out = v / ut.default_unit.factor;
    unit = ut.default_unit.name;
    return true;
  }
  const Unit* to_unit = sniff_unit(ut, to);
  if (!to_unit) {
    out = v / ut.default_unit.factor;
    unit = ut.default_unit.name;
    return true;
  }
  out = v / to_unit->factor;
  unit = to_unit->name;
  return true;
}

}  // namespace

std::pair<double, std::string> scale_value(std::int64_t value, const std::string& from_unit, const std::string& to_unit) {
  if (value < 0 && value != std::numeric_limits<std::int64_t>::min()) {
    auto [v, u] = scale_value(-value, from_unit, to_unit);
    return {-v, u};
  }
  for (const auto& ut : unit_types()) {
    double v = 0;
    std::string u;
    if (convert_unit(ut, value, from_unit, to_unit, v, u)) return {v, u};
  }
  if (to_unit == "count" || to_unit == "sample" || to_unit == "unit" || to_unit == "minimum" || to_unit == "auto") {
    return {static_cast<double>(value), ""};
  }
  return {static_cast<double>(value), to_unit};
}

std::string scaled_label(std::int64_t value, const std::string& from_unit, const std::string& to_unit) {
  auto [v, u] = scale_value(value, from_unit, to_unit);
  std::string sv = fmt::format("{:.2f}", v);
  if (sv.size() >= 3 && sv.compare(sv.size() - 3, 3, ".00") == 0) sv.resize(sv.size() - 3);
  if (sv == "0" || sv == "-0") return "0";
  return sv + u;
}

std::string percentage(std::int64_t value, std::int64_t total) {
  double ratio = 0;
  if (total != 0) ratio = std::fabs(static_cast<double>(value) / static_cast<double>(total)) * 100;
  if (std::fabs(ratio) >= 99.95 && std::fabs(ratio) <= 100.05) return "  100%";
  std::array<char, 64> buf{};
  if (std::fabs(ratio) >= 1.0) {
    std::snprintf(buf.data(), buf.size(), "%5.2f%%", ratio);
  } else {
    // C's %g and Go's %g agree for two significant digits.
    std::snprintf(buf.data(), buf.size(), "%5.2g%%", ratio);
  }
  return buf.data();
}

}  // namespace ncprof::profile
