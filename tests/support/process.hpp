#pragma once
// Test helpers: run a program and capture its output; start a long-running
// one (a Go fixture service) and stop it at scope exit.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace ncprof::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] (searched in PATH) with a timeout; env entries are added.
RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
              std::chrono::seconds timeout = std::chrono::seconds(120), const std::string& cwd = "");

class Background {
 public:
  explicit Background(const std::vector<std::string>& argv, const std::string& cwd = "");
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  Background(Background&& o) noexcept : pid_(o.pid_), log_(std::move(o.log_)) { o.pid_ = -1; }
  void stop();
  void signal(int sig);
  // Waits for the exit; the exit code, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  pid_t pid() const { return pid_; }
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_;
};

// A loopback port nobody listens on right now.
int free_port();
// Waits until something accepts connections on 127.0.0.1:port.
bool wait_for_port(int port, std::chrono::milliseconds timeout = std::chrono::milliseconds(15000));

struct HttpResponse {
  int status = 0;
  std::string body;
};
// Minimal HTTP/1.0 GET against 127.0.0.1 (test side only).
HttpResponse http_get(int port, const std::string& path);

std::string temp_dir(const std::string& prefix);
void write_file(const std::string& path, const std::string& data);
std::string read_file(const std::string& path);
bool file_exists(const std::string& path);
std::vector<std::string> list_dir(const std::string& dir);

}  // namespace ncprof::test
