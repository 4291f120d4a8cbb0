// libFuzzer: Go benchmark output through benchstat's tables. An input that
// starts with "@@" gives on its first line the -table, -row, -col, -ignore
// and -filter queries, tab-separated (empty: the default).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ncprof/bench/benchfmt.hpp"
#include "ncprof/bench/benchstat.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ncprof::bench;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Projections proj;
  if (text.substr(0, 2) == "@@") {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(2, nl == std::string_view::npos ? std::string_view::npos : nl - 2);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    std::vector<std::string> q = {".config", ".fullname", ".file", "", "*"};
    for (std::size_t i = 0; i < q.size() && !line.empty(); ++i) {
      const auto tab = line.find('\t');
      if (!line.substr(0, tab).empty()) q[i] = std::string(line.substr(0, tab));
      line = tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1);
    }
    auto parsed = parse_projections(q[0], q[1], q[2], q[3], q[4]);
    if (!parsed) return 0;
    proj = std::move(*parsed);
  }
  size = text.size();
  // Two halves as two files: a summary and a comparison.
  BenchData d;
  parse_bench(text.substr(0, size / 2), "old", d);
  parse_bench(text.substr(size / 2), "new", d);
  auto tables = build_tables(d, {0.05, 0.95}, proj);
  std::string warnings;
  (void)render_text(tables);
  (void)render_csv(tables, warnings);
  return 0;
}
