#pragma once
// Running the repository's scripts/ (the guide's wrappers) in tests.
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/fixture.hpp"

namespace ncprof::test {

// scripts/NAME ARGS... in cwd, with the built ncprof as $NCPROF and env added.
inline RunResult run_script(const std::string& name, const std::vector<std::string>& args, const std::string& cwd,
                            std::map<std::string, std::string> env) {
  std::vector<std::string> argv = {std::string(NCPROF_SOURCE_DIR) + "/scripts/" + name};
  argv.insert(argv.end(), args.begin(), args.end());
  env.emplace("NCPROF", ncprof_bin());
  return run(argv, env, std::chrono::seconds(240), cwd);
}

// How many entries of dir have `part` in their name.
inline std::size_t files_in(const std::string& dir, const std::string& part) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    n += e.path().filename().string().find(part) != std::string::npos;
  }
  return n;
}

}  // namespace ncprof::test
