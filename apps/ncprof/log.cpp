#include "log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "ncprof/util/log.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::app {

namespace {
bool g_quiet = false;
}

void setup_logging(bool verbose, bool quiet_flag) {
  g_quiet = quiet_flag && !verbose;
  auto logger = spdlog::stderr_logger_mt("ncprof");
  logger->set_pattern("ncprof: %v");
  logger->set_level(verbose ? spdlog::level::debug : (g_quiet ? spdlog::level::err : spdlog::level::info));
  spdlog::set_default_logger(logger);
  if (verbose) {
    util::set_debug_sink([](const std::string& m) { spdlog::debug("debug: {}", util::printable(m)); });
  }
}

bool quiet() { return g_quiet; }

void info(const std::string& message) { spdlog::info("{}", util::printable(message)); }

}  // namespace ncprof::app
