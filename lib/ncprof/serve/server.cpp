#include "ncprof/serve/server.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

namespace ncprof::serve {

Result<Address> parse_address(const std::string& spec) {
  Address a;
  std::string host = spec, port;
  if (!spec.empty() && spec.front() == '[') {  // [::1]:8081
    const auto close = spec.find(']');
    if (close == std::string::npos) return fail(ErrorKind::usage, fmt::format("--http {}: unbalanced [", spec));
    host = spec.substr(1, close - 1);
    if (close + 1 < spec.size()) {
      if (spec[close + 1] != ':') return fail(ErrorKind::usage, fmt::format("--http {}: expected HOST:PORT", spec));
      port = spec.substr(close + 2);
    }
  } else if (const auto colon = spec.rfind(':'); colon != std::string::npos) {
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
  }
  a.host = host.empty() ? "127.0.0.1" : host;
  if (!port.empty()) {
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535) return fail(ErrorKind::usage, fmt::format("--http {}: bad port '{}'", spec, port));
      p = p * 10 + (c - '0');
    }
    if (p < 0 || p > 65535) return fail(ErrorKind::usage, fmt::format("--http {}: bad port '{}'", spec, port));
    a.port = p;
  }
  return a;
}

struct PageServer::Impl {
  httplib::Server server;
  std::string html;
  int port = 0;
};

PageServer::PageServer() : impl_(std::make_unique<Impl>()) {}
PageServer::~PageServer() = default;

void PageServer::get(const std::string& path, std::function<Reply()> handler) {
  impl_->server.Get(path, [handler = std::move(handler)](const httplib::Request&, httplib::Response& res) {
    Reply r = handler();
    res.set_header("Cache-Control", "no-store");
    res.set_content(std::move(r.body), r.content_type);
  });
}

Result<void> PageServer::bind(const Address& addr, std::string html) {
  impl_->html = std::move(html);
  auto page = [this](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(impl_->html, "text/html; charset=utf-8");
  };
  if (!impl_->html.empty()) {
    impl_->server.Get("/", page);
    impl_->server.Get("/index.html", page);
  }
  impl_->server.set_keep_alive_max_count(100);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a
  // second server on a port in use would bind and share it silently.
  impl_->server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const int port = addr.port == 0 ? impl_->server.bind_to_any_port(addr.host)
                                  : (impl_->server.bind_to_port(addr.host, addr.port) ? addr.port : -1);
  if (port < 0) {
    return fail(ErrorKind::usage,
                fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)", addr.host, addr.port));
  }
  impl_->port = port;
  return {};
}

int PageServer::port() const { return impl_->port; }

void PageServer::run(const std::atomic<bool>& stop) {
  std::atomic<bool> done{false};
  std::thread watcher([this, &stop, &done] {
    while (!stop.load() && !done.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    impl_->server.stop();
  });
  impl_->server.listen_after_bind();
  done = true;
  watcher.join();
}

}  // namespace ncprof::serve
