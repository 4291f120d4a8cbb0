#pragma once
// What ncprof says on stderr besides results and errors, through spdlog:
// -v adds every request, file and config the library reports; -q leaves
// errors only.
#include <string>

namespace ncprof::app {

void setup_logging(bool verbose, bool quiet);
bool quiet();
// "ncprof: MESSAGE" unless -q.
void info(const std::string& message);

}  // namespace ncprof::app
