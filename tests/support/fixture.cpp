#include "support/fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace ncprof::test {

// NCPROF_TEST_NCPROF: another build of ncprof to drive (the sanitizer
// pass runs these tests against build-san's).
std::string ncprof_bin() {
  const char* other = std::getenv("NCPROF_TEST_NCPROF");
  return other && *other ? other : NCPROF_TEST_BINARY;
}
std::string goservice_bin() { return NCPROF_TEST_GOSERVICE; }
std::string test_data_dir() { return std::string(NCPROF_SOURCE_DIR) + "/tests/data"; }
std::string extra_corpus_dir() {
  std::error_code ec;
  return std::filesystem::is_directory(NCPROF_TEST_CORPUS, ec) ? NCPROF_TEST_CORPUS : "";
}
std::string go_bin() { return NCPROF_TEST_GO; }

GoService start_go_service(const GoServiceOptions& opts) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    GoService s;
    s.name = opts.name;
    s.pprof_port = free_port();
    std::vector<std::string> argv = {goservice_bin(), "-name", opts.name, "-pprof",
                                     "127.0.0.1:" + std::to_string(s.pprof_port)};
    if (opts.health) {
      s.app_port = free_port();
      argv.push_back("-app");
      argv.push_back("127.0.0.1:" + std::to_string(s.app_port));
    }
    if (opts.leak_heap > 0) argv.insert(argv.end(), {"-leak-heap", std::to_string(opts.leak_heap)});
    if (opts.leak_goroutines > 0) argv.insert(argv.end(), {"-leak-goroutines", std::to_string(opts.leak_goroutines)});
    if (opts.burn_cpu > 0) argv.insert(argv.end(), {"-burn-cpu", std::to_string(opts.burn_cpu)});
    if (opts.churn > 0) argv.insert(argv.end(), {"-churn", std::to_string(opts.churn)});
    if (opts.ballast > 0) argv.insert(argv.end(), {"-ballast", std::to_string(opts.ballast)});
    if (opts.parked > 0) argv.insert(argv.end(), {"-park-goroutines", std::to_string(opts.parked)});
    argv.insert(argv.end(), opts.extra_args.begin(), opts.extra_args.end());
    s.process = std::make_unique<Background>(argv);
    if (wait_for_port(s.pprof_port) && (s.app_port == 0 || wait_for_port(s.app_port))) {
      // Warm up: the first profile request initialises tables (gzip's
      // CRC) that would otherwise look like growth in the next one.
      http_get(s.pprof_port, "/debug/pprof/heap?gc=1");
      return s;
    }
    s.process->stop();  // a port race: try other ports
  }
  throw std::runtime_error("the Go fixture service did not start (" + goservice_bin() + ")");
}

RunResult run_ncprof(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {ncprof_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, env);
}

}  // namespace ncprof::test
