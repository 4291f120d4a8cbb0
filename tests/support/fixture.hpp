#pragma once
// The Go fixture service (tests/fixtures/goservice) on free loopback ports.
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace ncprof::test {

// Paths configured by CMake.
std::string ncprof_bin();
std::string goservice_bin();
// The repository's own test inputs (tests/data, made by
// scripts/gen-testdata.sh); every test needs only these.
std::string test_data_dir();
// An external corpus that adds cases when it is there (../shared/corpus on
// the project's machines); empty when it is not.
std::string extra_corpus_dir();
std::string go_bin();

struct GoService {
  std::string name;
  int pprof_port = 0;
  int app_port = 0;  // 0: no health endpoint
  std::unique_ptr<Background> process;

  std::string pprof_target() const { return "127.0.0.1:" + std::to_string(pprof_port); }
};

struct GoServiceOptions {
  std::string name = "goservice";
  bool health = true;
  int leak_heap = 0;            // bytes per second
  double leak_goroutines = 0;   // per second
  double burn_cpu = 0;          // cores
  int churn = 0;                // bytes per second of garbage
  int ballast = 0;              // bytes kept in use from the start
  int parked = 0;               // goroutines parked from the start
  std::vector<std::string> extra_args;
};

// Starts the fixture and waits until it answers.
GoService start_go_service(const GoServiceOptions& opts = {});

// Runs the built ncprof with arguments.
RunResult run_ncprof(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

}  // namespace ncprof::test
