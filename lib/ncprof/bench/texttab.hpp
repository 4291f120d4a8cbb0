#pragma once
// Fixed-width table layout with spanning cells, per-column left margins
// and "shrink" columns: the layout benchstat's text tables use.
#include <string>
#include <vector>

namespace ncprof::bench {

std::size_t rune_count(const std::string& s);

enum class Align { left, center, right };

struct CellOpt {
  Align align = Align::left;
  const char* margin = nullptr;  // overrides the default left margin
};

class TextTable {
 public:
  using Align = bench::Align;
  using Opt = CellOpt;

  TextTable& row();
  TextTable& col(int c);
  int cur_col() const { return cur_col_; }
  TextTable& cell(const std::string& value, Opt opt = {}) { return span(1, value, opt); }
  TextTable& span(int cols, const std::string& value, Opt opt = {});
  void set_shrink(int col, bool shrink);
  std::string format() const;

 private:
  struct Cell {
    int row, col, span;
    std::string value, margin;
    Align align;
  };
  std::vector<Cell> cells_;
  int cols_ = 0;
  std::vector<bool> shrink_;
  int cur_row_ = 0, cur_col_ = 0;
};

}  // namespace ncprof::bench
