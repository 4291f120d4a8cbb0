#include "terminal.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace ncprof::app {

bool stderr_is_terminal() {
  static const bool tty = ::isatty(STDERR_FILENO) == 1;
  return tty;
}

void status_line(const std::string& text) {
  if (!stderr_is_terminal()) return;
  fmt::print(stderr, "\r\033[K{}", text);
  std::fflush(stderr);
}

}  // namespace ncprof::app
