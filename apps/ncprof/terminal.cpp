#include "terminal.hpp"

#include "log.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include <fmt/format.h>

namespace ncprof::app {

bool stderr_is_terminal() {
  static const bool tty = ::isatty(STDERR_FILENO) == 1;
  return tty;
}

void status_line(const std::string& text) {
  if (!stderr_is_terminal() || quiet()) return;
  fmt::print(stderr, "\r\033[K{}", text);
  std::fflush(stderr);
}

namespace {
std::atomic<bool> g_interrupted{false};
void on_interrupt(int) { g_interrupted = true; }
}  // namespace

const std::atomic<bool>& catch_interrupts() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  return g_interrupted;
}

}  // namespace ncprof::app
