#include "ncprof/bench/benchfmt.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::bench {

std::string SyntaxError::text() const { return fmt::format("{}:{}: {}", file, line, message); }

bool BenchData::exact(const std::string& unit) const {
  auto it = unit_metadata.find(unit);
  if (it == unit_metadata.end()) return false;
  auto a = it->second.find("assume");
  return a != it->second.end() && a->second == "exact";
}

namespace {

bool is_sep(char c) { return c == '*' || c == '/' || c == '-' || std::isspace(static_cast<unsigned char>(c)); }

// Tokens of a unit with their offsets and whether they are in the denominator.
struct UnitToken {
  std::size_t pos;
  std::string tok;
  bool denom;
};

std::vector<UnitToken> unit_tokens(const std::string& unit) {
  std::vector<UnitToken> out;
  bool denom = false;
  std::size_t i = 0;
  while (i < unit.size()) {
    char c = unit[i];
    if (c == '*') {
      denom = false;
      ++i;
    } else if (c == '/') {
      denom = true;
      ++i;
    } else if (is_sep(c)) {
      ++i;
    } else {
      std::size_t j = i;
      while (j < unit.size() && !is_sep(unit[j])) ++j;
      out.push_back({i, unit.substr(i, j - i), denom});
      i = j;
    }
  }
  return out;
}

}  // namespace

std::pair<std::string, double> tidy_unit(const std::string& unit) {
  if (unit == "ns/op") return {"sec/op", 1e-9};
  if (unit == "MB/s") return {"B/s", 1e6};
  if (unit == "B/op" || unit == "allocs/op") return {unit, 1};
  if (unit.find("ns") == std::string::npos && unit.find("MB") == std::string::npos) return {unit, 1};
  // Rebuild the unit with the numerator's ns and MB replaced.
  std::string out;
  double factor = 1;
  std::size_t copied = 0;
  for (const auto& t : unit_tokens(unit)) {
    if (t.denom || (t.tok != "ns" && t.tok != "MB")) continue;
    out.append(unit, copied, t.pos - copied);
    out += t.tok == "ns" ? "sec" : "B";
    factor = t.tok == "ns" ? factor / 1e9 : factor * 1e6;
    copied = t.pos + t.tok.size();
  }
  out.append(unit, copied, std::string::npos);
  return {out, factor};
}

bool binary_unit(const std::string& unit) {
  for (const auto& t : unit_tokens(unit)) {
    if ((t.tok == "B" || t.tok == "MB" || t.tok == "bytes") && !t.denom) return true;
  }
  return false;
}

namespace {

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    std::size_t j = i;
    while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

bool parse_double(std::string_view s, double& out) {
  std::string tmp(s);
  char* end = nullptr;
  out = std::strtod(tmp.c_str(), &end);
  return end && *end == '\0' && !tmp.empty() && std::isfinite(out);
}

// A config key: starts lowercase, no spaces and no upper case.
bool config_key(std::string_view key) {
  if (key.empty() || !std::islower(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key) {
    if (std::isspace(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> BenchData::config_of(const BenchResult& r) const {
  std::size_t start = std::min(r.config_end, config_log.size());
  while (start > 0 && !config_log[start - 1].reset) --start;
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = start; i < r.config_end && i < config_log.size(); ++i) {
    const auto& e = config_log[i];
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == e.key; });
    if (it == out.end()) {
      out.emplace_back(e.key, e.value);
    } else {
      it->second = e.value;
    }
  }
  return out;
}

void parse_bench(std::string_view text, const std::string& label, BenchData& data) {
  std::map<std::string, std::string, std::less<>> config;  // this file's, to skip lines that change nothing
  data.config_log.push_back(ConfigEntry{true, {}, {}});
  int lineno = 0;
  auto error = [&](const std::string& msg) { data.errors.push_back({label, lineno, msg}); };
  for (std::string_view line : util::split_lines(text)) {
    ++lineno;
    if (line.rfind("Benchmark", 0) == 0 && (line.size() == 9 || !std::islower(static_cast<unsigned char>(line[9])))) {
      auto f = fields(line);
      BenchResult r;
      r.file = label;
      r.config_end = data.config_log.size();
      r.line = lineno;
      r.fullname = std::string(f[0].substr(9));
      if (r.fullname.empty()) {
        error("missing benchmark name");
        continue;
      }
      if (f.size() < 2) {
        error("missing iteration count");
        continue;
      }
      auto [p, ec] = std::from_chars(f[1].data(), f[1].data() + f[1].size(), r.iterations);
      if (ec != std::errc() || p != f[1].data() + f[1].size()) {
        error(fmt::format("parsing iteration count: invalid syntax \"{}\"", f[1]));
        continue;
      }
      if (f.size() < 4) {
        error("missing measurements");
        continue;
      }
      bool ok = true;
      for (std::size_t i = 2; i < f.size(); i += 2) {
        if (i + 1 >= f.size()) {
          error(fmt::format("missing units for {}", f[i]));
          ok = false;
          break;
        }
        double v = 0;
        if (!parse_double(f[i], v)) {
          error(fmt::format("parsing measurement: invalid syntax \"{}\"", f[i]));
          ok = false;
          break;
        }
        std::string orig(f[i + 1]);
        auto [unit, factor] = tidy_unit(orig);
        r.values.push_back({v * factor, unit, unit == orig ? "" : std::move(orig)});
      }
      if (!ok) continue;
      auto slash = r.fullname.find('/');
      std::string base = r.fullname.substr(0, slash);
      auto dash = base.rfind('-');
      if (slash == std::string::npos && dash != std::string::npos) {
        bool digits = dash + 1 < base.size();
        for (std::size_t k = dash + 1; k < base.size(); ++k) digits = digits && std::isdigit(static_cast<unsigned char>(base[k]));
        if (digits) base = base.substr(0, dash);
      }
      r.name = base;
      data.results.push_back(std::move(r));
      continue;
    }
    if (line.rfind("Unit ", 0) == 0) {
      auto f = fields(line);
      if (f.size() < 3) {
        error("Unit line needs a unit and key=value pairs");
        continue;
      }
      std::string unit = tidy_unit(std::string(f[1])).first;
      for (std::size_t i = 2; i < f.size(); ++i) {
        auto eq = f[i].find('=');
        if (eq == std::string_view::npos || eq == 0) {
          error(fmt::format("expected key=value, got \"{}\"", f[i]));
          continue;
        }
        data.unit_metadata[unit][std::string(f[i].substr(0, eq))] = std::string(f[i].substr(eq + 1));
      }
      continue;
    }
    auto colon = line.find(':');
    if (colon != std::string_view::npos && config_key(line.substr(0, colon))) {
      std::string key(line.substr(0, colon));
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
      auto it = config.find(key);
      if (it != config.end() && it->second == v) continue;
      if (it == config.end() && config.size() >= kMaxConfigKeys) {
        error(fmt::format("more than {} configuration keys: '{}' is ignored", kMaxConfigKeys, key.substr(0, 40)));
        continue;
      }
      config[key] = std::string(v);
      data.config_log.push_back(ConfigEntry{false, key, std::string(v)});
      continue;
    }
    // Anything else (PASS, ok lines, test output) is not part of the format.
  }
}

Result<BenchData> read_bench_files(const std::vector<std::string>& args) {
  BenchData data;
  for (const auto& arg : args) {
    std::string label = arg, path = arg;
    auto eq = arg.find('=');
    if (eq != std::string::npos && !std::filesystem::exists(arg)) {
      label = arg.substr(0, eq);
      path = arg.substr(eq + 1);
    }
    auto text = util::read_file(path, 1ull << 30);
    if (!text) return tl::unexpected(text.error());
    parse_bench(*text, label, data);
  }
  return data;
}

}  // namespace ncprof::bench
