#pragma once
// A deliberately broken HTTP server on a loopback port, for fault tests.
// The first path segment picks the misbehaviour:
//   /notfound/*  404 with an HTML page      /error500/*  500, every time
//   /text/*      200 with plain text        /truncated/* 200, gzip cut in half
//   /huge/*      200 with a body of 3 MiB   /slow/*      answers after 5 s
//   /good/*      200 with a valid profile
//   /NAME/*      200 with the body given to set_body(NAME, ...)
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ncprof::test {

class BrokenServer {
 public:
  explicit BrokenServer(std::string good_profile);
  ~BrokenServer();
  int port() const { return port_; }
  std::string url(const std::string& mode) const;
  int hits(const std::string& mode);
  std::string last_request();
  // Serves `body` (with `content_type`) under /NAME/.
  void set_body(const std::string& name, std::string body, std::string content_type = "application/json");
  // Answers /NAME/ with a 302 to `location`.
  void set_redirect(const std::string& name, std::string location);

 private:
  void serve();
  void handle(int fd);
  std::string good_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, int> hits_;
  std::string last_request_;
  std::map<std::string, std::pair<std::string, std::string>> bodies_;
  std::map<std::string, std::string> redirects_;
  std::vector<std::thread> workers_;
};

}  // namespace ncprof::test
