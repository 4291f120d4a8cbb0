#pragma once
// The terminal: progress lines go to stderr, and only when it is a terminal.
#include <string>

namespace ncprof::app {

bool stderr_is_terminal();
// Rewrites the current stderr line (terminal only); "" clears it.
void status_line(const std::string& text);

}  // namespace ncprof::app
