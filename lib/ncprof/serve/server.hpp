#pragma once
#include <functional>
// The one embedded HTTP server (cpp-httplib stays inside server.cpp): a
// page served on a local address until stopped.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "ncprof/util/error.hpp"

namespace ncprof::serve {

struct Address {
  std::string host = "127.0.0.1";
  int port = 8081;
};

// "HOST:PORT", ":PORT" (localhost, as pprof's -http), "HOST" (port 8081).
Result<Address> parse_address(const std::string& spec);

// What a route answers: a content type and a body.
struct Reply {
  std::string content_type;
  std::string body;
};

// A page and its routes: GET / (and /index.html) answer html; routes added
// with get() answer their own paths; anything else is 404.
class PageServer {
 public:
  PageServer();
  ~PageServer();
  PageServer(const PageServer&) = delete;
  PageServer& operator=(const PageServer&) = delete;

  // GET path answers what handler returns (called on a server thread).
  // Before bind().
  void get(const std::string& path, std::function<Reply()> handler);

  // Binds now: a port in use is an error naming the address. An empty
  // html serves no page at /.
  Result<void> bind(const Address& addr, std::string html);
  int port() const;
  // Serves until stop is set (checked several times a second).
  void run(const std::atomic<bool>& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ncprof::serve
