#pragma once
// Running a program (go test) and capturing its output.
#include <string>
#include <vector>

#include "ncprof/util/error.hpp"

namespace ncprof::util {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv (searched in PATH) in cwd; an error only if it cannot start.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, const std::string& cwd);

}  // namespace ncprof::util
