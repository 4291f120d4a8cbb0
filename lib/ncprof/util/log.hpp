#pragma once
// Debug logging from the library without printing from it: the library
// reports what it does (requests, files, config) to a sink the app sets
// (spdlog in apps/, for -v). Without a sink nothing is formatted.
#include <functional>
#include <string>

namespace ncprof::util {

using LogSink = std::function<void(const std::string&)>;

void set_debug_sink(LogSink sink);
bool debug_enabled();
void debug_log(const std::string& message);

}  // namespace ncprof::util
