#include "support/broken_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>

namespace ncprof::test {

BrokenServer::BrokenServer(std::string good_profile) : good_(std::move(good_profile)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  listen(listen_fd_, 64);
  thread_ = std::thread([this] { serve(); });
}

BrokenServer::~BrokenServer() {
  stop_ = true;
  thread_.join();
  for (auto& w : workers_) w.join();
  close(listen_fd_);
}

std::string BrokenServer::url(const std::string& mode) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + mode;
}

int BrokenServer::hits(const std::string& mode) {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_[mode];
}

std::string BrokenServer::last_request() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_request_;
}

void BrokenServer::set_body(const std::string& name, std::string body, std::string content_type) {
  std::lock_guard<std::mutex> lock(mu_);
  bodies_[name] = {std::move(body), std::move(content_type)};
}

void BrokenServer::set_redirect(const std::string& name, std::string location) {
  std::lock_guard<std::mutex> lock(mu_);
  redirects_[name] = std::move(location);
}

void BrokenServer::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    workers_.emplace_back([this, fd] { handle(fd); });
  }
}

void BrokenServer::handle(int fd) {
  std::string req;
  char buf[4096];
  while (req.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    req.append(buf, static_cast<std::size_t>(n));
  }
  auto sp = req.find(' ');
  std::string path = sp == std::string::npos ? "/" : req.substr(sp + 1, req.find(' ', sp + 1) - sp - 1);
  std::string mode = path.substr(1, path.find('/', 1) - 1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++hits_[mode];
    last_request_ = req;
  }
  int status = 200;
  std::string type = "application/octet-stream";
  std::string body;
  std::optional<std::pair<std::string, std::string>> custom;
  std::string location;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = bodies_.find(mode); it != bodies_.end()) custom = it->second;
    if (auto it = redirects_.find(mode); it != redirects_.end()) location = it->second;
  }
  if (!location.empty()) {
    status = 302;
    type = "text/plain";
  } else if (custom) {
    body = custom->first;
    type = custom->second;
  } else if (mode == "notfound") {
    status = 404;
    type = "text/html";
    body = "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n";
  } else if (mode == "error500") {
    status = 500;
    type = "text/plain";
    body = "internal error\n";
  } else if (mode == "text") {
    type = "text/plain";
    body = "profiling is disabled on this service\n";
  } else if (mode == "truncated") {
    body = good_.substr(0, good_.size() / 2);
  } else if (mode == "huge") {
    body.assign(3 << 20, 'x');
  } else if (mode == "slow") {
    for (int i = 0; i < 100 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    body = good_;
  } else {
    body = good_;
  }
  std::string head = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
                     "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
                     (location.empty() ? "" : "\r\nLocation: " + location) + "\r\nConnection: close\r\n\r\n";
  std::string out = head + body;
  std::size_t off = 0;
  while (off < out.size()) {
    ssize_t n = write(fd, out.data() + off, out.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  close(fd);
}

}  // namespace ncprof::test
