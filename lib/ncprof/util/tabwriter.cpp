#include "ncprof/util/tabwriter.hpp"

#include <vector>

namespace ncprof::util {

namespace {

struct Cell {
  std::string_view text;
  int width = 0;  // in runes, as Go counts them
};

int runes(std::string_view s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

class Writer {
 public:
  Writer(const std::vector<std::vector<Cell>>& lines, const TabwriterOptions& opts) : lines_(lines), opts_(opts) {}

  std::string run() {
    format(0, lines_.size());
    return std::move(out_);
  }

 private:
  // tabwriter's format: a column block is a run of lines with a cell at
  // this column (not counting the last cell of a line); each block is
  // sized on its own, then formatted for the next column.
  void format(std::size_t line0, std::size_t line1) {
    const std::size_t column = widths_.size();
    for (std::size_t i = line0; i < line1; ++i) {
      if (column + 1 >= lines_[i].size()) continue;
      write_lines(line0, i);
      line0 = i;
      int width = opts_.minwidth;
      for (; i < line1; ++i) {
        if (column + 1 >= lines_[i].size()) break;
        width = std::max(width, lines_[i][column].width + opts_.padding);
      }
      widths_.push_back(width);
      format(line0, i);
      widths_.pop_back();
      line0 = i;  // the line that ended the block has no cell here: skipped, as Go does
      if (i == line1) break;
    }
    write_lines(line0, line1);
  }

  void write_lines(std::size_t line0, std::size_t line1) {
    for (std::size_t i = line0; i < line1; ++i) {
      const auto& line = lines_[i];
      for (std::size_t j = 0; j < line.size(); ++j) {
        const Cell& c = line[j];
        if (j < widths_.size()) {
          const std::string pad(static_cast<std::size_t>(std::max(0, widths_[j] - c.width)), ' ');
          if (opts_.align_right) {
            out_ += pad;
            out_ += c.text;
          } else {
            out_ += c.text;
            out_ += pad;
          }
        } else {
          out_ += c.text;
        }
      }
      if (i + 1 < lines_.size() || has_final_newline_) out_ += '\n';
    }
  }

 public:
  bool has_final_newline_ = true;

 private:
  const std::vector<std::vector<Cell>>& lines_;
  const TabwriterOptions& opts_;
  std::vector<int> widths_;
  std::string out_;
};

}  // namespace

std::string tabwrite(std::string_view text, const TabwriterOptions& opts) {
  std::vector<std::vector<Cell>> lines;
  const bool final_newline = !text.empty() && text.back() == '\n';
  if (final_newline) text.remove_suffix(1);
  std::size_t start = 0;
  while (true) {
    const std::size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    std::vector<Cell> cells;
    std::size_t from = 0;
    for (std::size_t tab; (tab = line.find('\t', from)) != std::string_view::npos; from = tab + 1) {
      cells.push_back(Cell{line.substr(from, tab - from), runes(line.substr(from, tab - from))});
    }
    cells.push_back(Cell{line.substr(from), runes(line.substr(from))});
    lines.push_back(std::move(cells));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (text.empty() && !final_newline) return {};
  Writer w(lines, opts);
  w.has_final_newline_ = final_newline;
  return w.run();
}

}  // namespace ncprof::util
