#pragma once
// The terminal: progress lines go to stderr, and only when it is a terminal.
#include <atomic>
#include <string>

namespace ncprof::app {

bool stderr_is_terminal();
// Rewrites the current stderr line (terminal only); "" clears it.
void status_line(const std::string& text);

// Ctrl-C and SIGTERM set this flag instead of killing the process, so a
// long command can stop cleanly and keep what it has.
const std::atomic<bool>& catch_interrupts();

}  // namespace ncprof::app
