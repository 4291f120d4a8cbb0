#include "ncprof/profile/folded.hpp"

#include <charconv>
#include <unordered_map>

#include <fmt/format.h>

#include "ncprof/util/strings.hpp"

namespace ncprof::profile {

namespace {

struct FoldedLine {
  std::string_view stack;
  std::int64_t value = 0;
};

// "stack value": the value is the last space-separated field.
bool split_line(std::string_view line, FoldedLine& out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  const std::size_t sp = line.find_last_of(' ');
  if (sp == std::string_view::npos || sp == 0) return false;
  const std::string_view num = line.substr(sp + 1);
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), out.value);
  if (ec != std::errc() || end != num.data() + num.size()) return false;
  out.stack = line.substr(0, sp);
  while (!out.stack.empty() && out.stack.back() == ' ') out.stack.remove_suffix(1);
  return !out.stack.empty();
}

}  // namespace

bool looks_folded(std::string_view text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    for (char c : line) {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r') return false;
    }
    FoldedLine fl;
    return split_line(line, fl);
  }
  return false;
}

Result<Profile> parse_folded(std::string_view text, const std::string& source) {
  Profile p;
  p.sample_types = {{"samples", "count"}};
  p.comments = {"Read from folded stacks"};
  std::unordered_map<std::string_view, LocationRef> ids;  // frame name -> location (and function) id
  std::size_t lineno = 0, start = 0;
  bool two_columns = true;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    FoldedLine fl;
    if (!split_line(line, fl)) {
      return fail(ErrorKind::bad_input, fmt::format("{}:{}: not a folded stack line (\"frame;frame;... count\"): \"{}\"",
                                                    source, lineno, util::line_excerpt(line)));
    }
    FoldedLine inner;
    two_columns = two_columns && split_line(fl.stack, inner);
    Sample s;
    // Frames root first in the text, leaf first in a sample.
    std::size_t end = fl.stack.size();
    while (true) {
      const std::size_t semi = fl.stack.rfind(';', end == 0 ? 0 : end - 1);
      const std::size_t from = semi == std::string_view::npos || end == 0 ? 0 : semi + 1;
      std::string_view name = fl.stack.substr(from, end - from);
      if (name.empty()) {
        return fail(ErrorKind::bad_input, fmt::format("{}:{}: an empty frame name (\";;\") in \"{}\"", source, lineno,
                                                      util::line_excerpt(line)));
      }
      auto [it, inserted] = ids.try_emplace(name, static_cast<LocationRef>(ids.size() + 1));
      if (inserted) {
        p.functions.push_back(Function{it->second, std::string(name), std::string(name), "", 0});
        Location l;
        l.id = it->second;
        l.lines.push_back(Line{it->second, 0, 0});
        p.locations.push_back(std::move(l));
      }
      s.location_ids.push_back(it->second);
      if (from == 0) break;
      end = from - 1;
    }
    s.values = {fl.value};
    p.samples.push_back(std::move(s));
  }
  if (p.samples.empty()) return fail(ErrorKind::bad_input, fmt::format("{}: no folded stack lines", source));
  if (two_columns) {
    return fail(ErrorKind::bad_input, fmt::format("{}: two counts per line (difffolded.pl's \"stack base new\" form); "
                                                  "give the two profiles' own folded files instead",
                                                  source));
  }
  return p;
}

}  // namespace ncprof::profile
