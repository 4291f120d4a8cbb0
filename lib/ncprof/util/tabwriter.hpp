#pragma once
// Go's text/tabwriter, for the pprof reports that print through it: cells
// end with '\t', a column's width is set per block of consecutive lines
// that have that column, the text after a line's last tab is not aligned.
#include <string>
#include <string_view>

namespace ncprof::util {

struct TabwriterOptions {
  int minwidth = 0;
  int padding = 1;
  bool align_right = false;
};

// The whole text, aligned as tabwriter.NewWriter(w, minwidth, 0, padding,
// ' ', flags) followed by Flush would write it.
std::string tabwrite(std::string_view text, const TabwriterOptions& opts);

}  // namespace ncprof::util
