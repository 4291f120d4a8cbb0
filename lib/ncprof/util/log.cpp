#include "ncprof/util/log.hpp"

namespace ncprof::util {

namespace {
LogSink& sink() {
  static LogSink s;
  return s;
}
}  // namespace

void set_debug_sink(LogSink s) { sink() = std::move(s); }
bool debug_enabled() { return static_cast<bool>(sink()); }
void debug_log(const std::string& message) {
  if (sink()) sink()(message);
}

}  // namespace ncprof::util
