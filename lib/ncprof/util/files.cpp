#include "ncprof/util/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

namespace ncprof::util {

namespace fs = std::filesystem;

Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return fail(ErrorKind::bad_input, fmt::format("{}: is a directory", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorKind::bad_input, fmt::format("{}: {}", path, std::strerror(errno)));
  }
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::uint64_t>(in.tellg());
  if (size > max_bytes) {
    return fail(ErrorKind::bad_input,
                fmt::format("{}: file is {} bytes, over the limit of {}", path, size, max_bytes));
  }
  in.seekg(0);
  std::string data(size, '\0');
  if (!in.read(data.data(), static_cast<std::streamsize>(size))) {
    return fail(ErrorKind::io, fmt::format("{}: read failed", path));
  }
  return data;
}

Result<void> make_dirs(const std::string& dir) {
  if (dir.empty()) return {};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(ErrorKind::io, fmt::format("{}: cannot create directory: {}", dir, ec.message()));
  return {};
}

Result<void> write_file_atomic(const std::string& path, std::string_view data) {
  fs::path target(path);
  if (target.has_parent_path()) {
    if (auto made = make_dirs(target.parent_path().string()); !made) return made;
  }
  std::random_device rd;
  std::string tmp = fmt::format("{}.tmp-{}-{:x}", path, ::getpid(), rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return fail(ErrorKind::io, fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(ErrorKind::io, fmt::format("{}: write failed: {}", path, std::strerror(err)));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(ErrorKind::io, fmt::format("{}: write failed: {}", path, std::strerror(err)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(ErrorKind::io, fmt::format("{}: rename failed: {}", path, std::strerror(err)));
  }
  return {};
}

}  // namespace ncprof::util
