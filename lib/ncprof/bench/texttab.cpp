#include "ncprof/bench/texttab.hpp"

#include <algorithm>

namespace ncprof::bench {

std::size_t rune_count(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TextTable& TextTable::row() {
  if (!cells_.empty()) ++cur_row_;
  cur_col_ = 0;
  return *this;
}

TextTable& TextTable::col(int c) {
  cur_col_ = std::max(cur_col_, c);
  return *this;
}

TextTable& TextTable::span(int cols, const std::string& value, Opt opt) {
  std::string margin = (cur_col_ == 0 || value.empty()) ? "" : " ";
  if (opt.margin) margin = opt.margin;
  cells_.push_back(Cell{cur_row_, cur_col_, cols, value, margin, opt.align});
  cur_col_ += cols;
  cols_ = std::max(cols_, cur_col_);
  return *this;
}

void TextTable::set_shrink(int col, bool shrink) {
  if (static_cast<int>(shrink_.size()) < col + 1) shrink_.resize(static_cast<std::size_t>(col) + 1, false);
  shrink_[static_cast<std::size_t>(col)] = shrink;
}

std::string TextTable::format() const {
  auto shrink = [&](int c) { return c < static_cast<int>(shrink_.size()) && shrink_[static_cast<std::size_t>(c)]; };
  const auto ncols = static_cast<std::size_t>(cols_);
  std::vector<int> lmargin(ncols, 0), ws(ncols, 0);
  for (const auto& c : cells_) {
    auto& m = lmargin[static_cast<std::size_t>(c.col)];
    m = std::max(m, static_cast<int>(rune_count(c.margin)));
  }
  // Widths: single cells first, then spans (narrow to wide), which grow
  // only their stretchable columns.
  std::vector<const Cell*> by_span;
  for (const auto& c : cells_) by_span.push_back(&c);
  std::stable_sort(by_span.begin(), by_span.end(), [](const Cell* a, const Cell* b) { return a->span < b->span; });
  for (const Cell* c : by_span) {
    int w = static_cast<int>(rune_count(c->value)) + lmargin[static_cast<std::size_t>(c->col)];
    if (c->span == 1) {
      auto& x = ws[static_cast<std::size_t>(c->col)];
      x = std::max(x, w);
      continue;
    }
    int tw = 0;
    for (int k = c->col; k < c->col + c->span; ++k) tw += ws[static_cast<std::size_t>(k)];
    if (tw >= w) continue;
    std::vector<int> span_cols;
    for (int k = c->col; k < c->col + c->span; ++k) {
      if (shrink(k)) {
        w -= ws[static_cast<std::size_t>(k)];
      } else {
        span_cols.push_back(k);
      }
    }
    std::stable_sort(span_cols.begin(), span_cols.end(), [&](int a, int b) {
      return ws[static_cast<std::size_t>(a)] > ws[static_cast<std::size_t>(b)];
    });
    int left = static_cast<int>(span_cols.size());
    for (int k : span_cols) {
      int avg = (w + left - 1) / left;
      auto& x = ws[static_cast<std::size_t>(k)];
      x = std::max(x, avg);
      w -= x;
      --left;
    }
  }
  std::vector<int> offs(ncols + 1, 0);
  int off = 0;
  for (std::size_t i = 0; i < ncols; ++i) {
    offs[i] = off;
    off += ws[i];
  }
  offs[ncols] = off;

  std::vector<const Cell*> ordered;
  for (const auto& c : cells_) ordered.push_back(&c);
  std::stable_sort(ordered.begin(), ordered.end(), [](const Cell* a, const Cell* b) {
    return a->row != b->row ? a->row < b->row : a->col < b->col;
  });
  auto blank = [](const std::string& s) { return s.find_first_not_of(" \t\n\r") == std::string::npos; };
  std::string out;
  int row = 0;
  off = 0;
  for (const Cell* c : ordered) {
    if (blank(c->value) && blank(c->margin)) continue;
    while (c->row > row) {
      out += '\n';
      ++row;
      off = 0;
    }
    const auto col = static_cast<std::size_t>(c->col);
    int spaces = offs[col] - off;
    out.append(static_cast<std::size_t>(std::max(spaces, 0)), ' ');
    int pad = lmargin[col] - static_cast<int>(rune_count(c->margin));
    out.append(static_cast<std::size_t>(std::max(pad, 0)), ' ');
    out += c->margin;
    off += spaces + std::max(lmargin[col], static_cast<int>(rune_count(c->margin)));
    int tw = offs[col + static_cast<std::size_t>(c->span)] - offs[col] - lmargin[col];
    std::string s;
    int len = static_cast<int>(rune_count(c->value));
    switch (c->align) {
      case Align::left:
        s = c->value;
        break;
      case Align::center:
        s = std::string(static_cast<std::size_t>(std::max((tw - len) / 2, 0)), ' ') + c->value;
        break;
      case Align::right:
        s = std::string(static_cast<std::size_t>(std::max(tw - len, 0)), ' ') + c->value;
        break;
    }
    out += s;
    off += static_cast<int>(rune_count(s));
  }
  if (!cells_.empty()) out += '\n';
  return out;
}

}  // namespace ncprof::bench
