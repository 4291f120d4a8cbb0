#pragma once
// ncprof bench --against REF: the working tree and a git ref, built and
// measured in the same run, interleaved, and gated on paired ratios.
#include <string>

#include <nlohmann/json.hpp>

#include "ncprof/bench/ab.hpp"

namespace ncprof::app {

struct AgainstOptions {
  std::string ref;
  std::string bench = ".";
  std::string benchtime = "0.5s";
  std::string cpu;  // -test.cpu, empty: the test binary's default
  bool benchmem = false;
  int rounds = 20;
  bench::AbOptions gate;
  bool text = true;  // print the tables (else only the JSON entry)
};

// Runs the A/B comparison in dir (a directory of a git work tree).
// Returns the exit code; entry gets the JSON form.
int run_against(const std::string& name, const std::string& dir, const AgainstOptions& opts, nlohmann::json& entry);

// The machine's load now (/proc/loadavg) and the share of CPU time stolen
// by the hypervisor since `since` (a /proc/stat reading), for a failure
// message: a gate that fails on a loaded machine says so.
struct CpuTimes {
  unsigned long long steal = 0, total = 0;
};
CpuTimes read_cpu_times();
std::string machine_load(const CpuTimes& since);

}  // namespace ncprof::app
