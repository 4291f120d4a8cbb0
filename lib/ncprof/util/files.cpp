#include "ncprof/util/files.hpp"
#include "ncprof/util/log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <cstdint>
#include <random>

#include <fmt/format.h>

namespace ncprof::util {

namespace fs = std::filesystem;

Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes) {
  const bool stdin_path = path == "-";
  std::error_code ec;
  if (!stdin_path && fs::is_directory(path, ec)) {
    return fail(ErrorKind::bad_input, fmt::format("{}: is a directory", path));
  }
  const std::string name = stdin_path ? "standard input" : path;
  int fd = stdin_path ? ::dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::bad_input, fmt::format("{}: {}", name, std::strerror(errno)));
  // A regular file's size is known up front; a pipe's is not: read until
  // the end either way and refuse past the limit.
  std::string data;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > max_bytes) {
      ::close(fd);
      return fail(ErrorKind::bad_input, fmt::format("{}: file is {} bytes, over the limit of {}", name, size, max_bytes));
    }
    data.reserve(size);
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return fail(ErrorKind::io, fmt::format("{}: read failed: {}", name, std::strerror(err)));
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::uint64_t>(n) > max_bytes) {
      ::close(fd);
      return fail(ErrorKind::bad_input, fmt::format("{}: more than {} bytes, over the limit", name, max_bytes));
    }
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

Result<void> make_dirs(const std::string& dir) {
  if (dir.empty()) return {};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(ErrorKind::io, fmt::format("{}: cannot create directory: {}", dir, ec.message()));
  return {};
}

namespace {

// The temporary files being written, in fixed storage a signal handler can
// read: a slot is claimed, filled, then published; cleared after rename.
constexpr std::size_t kTempSlots = 64;
char g_temp_paths[kTempSlots][4096];
std::atomic<bool> g_temp_used[kTempSlots];
std::atomic<bool> g_temp_claimed[kTempSlots];

class TempFileGuard {
 public:
  explicit TempFileGuard(const std::string& path) {
    if (path.size() >= sizeof g_temp_paths[0]) return;
    for (std::size_t i = 0; i < kTempSlots; ++i) {
      bool expected = false;
      if (g_temp_claimed[i].compare_exchange_strong(expected, true)) {
        std::memcpy(g_temp_paths[i], path.c_str(), path.size() + 1);
        g_temp_used[i].store(true);
        slot_ = static_cast<int>(i);
        return;
      }
    }
  }
  ~TempFileGuard() {
    if (slot_ < 0) return;
    g_temp_used[static_cast<std::size_t>(slot_)].store(false);
    g_temp_claimed[static_cast<std::size_t>(slot_)].store(false);
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;

 private:
  int slot_ = -1;
};

}  // namespace

void remove_temp_files() noexcept {
  for (std::size_t i = 0; i < kTempSlots; ++i) {
    if (g_temp_used[i].load()) ::unlink(g_temp_paths[i]);
  }
}

Result<void> prepare_output_dir(const std::string& dir, const std::string& what) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    return fail(ErrorKind::usage, fmt::format("{} {}: exists and is not a directory", what, dir));
  }
  fs::create_directories(dir, ec);
  if (ec) return fail(ErrorKind::usage, fmt::format("{} {}: cannot create directory: {}", what, dir, ec.message()));
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return fail(ErrorKind::usage, fmt::format("{} {}: not writable: {}", what, dir, std::strerror(errno)));
  }
  return {};
}

Result<void> prepare_output_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fail(ErrorKind::usage, fmt::format("{} {}: is a directory", what, path));
  const fs::path target(path);
  const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  return prepare_output_dir(dir, fmt::format("{} {}: directory", what, path));
}

Result<void> write_file_reusing(const std::string& path, std::string_view data, bool sync, const std::string& reuse,
                                bool& reused) {
  // A name no other writer uses: this process's id, a random number drawn
  // once per process and a counter (O_EXCL would catch a clash anyway).
  static const unsigned salt = std::random_device{}();
  static std::atomic<std::uint64_t> serial{0};
  std::string tmp = fmt::format("{}.tmp-{}-{:x}-{}", path, ::getpid(), salt, serial.fetch_add(1));
  TempFileGuard guard(tmp);  // registered before it exists: a signal may come at any point
  reused = false;
  int fd = -1;
  if (!reuse.empty() && ::rename(reuse.c_str(), tmp.c_str()) == 0) {
    reused = true;  // from here on, `reuse` is gone whatever happens
    fd = ::open(tmp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) ::unlink(tmp.c_str());
  }
  if (fd < 0) fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    const fs::path target(path);
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    if (err == ENOENT && !fs::is_directory(parent, ec)) {
      return fail(ErrorKind::io, fmt::format("{}: directory {} does not exist", path, parent.string()));
    }
    return fail(ErrorKind::io, fmt::format("{}: cannot create: {}", path, std::strerror(err)));
  }
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
  if ((sync && ::fsync(fd) != 0) || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(ErrorKind::io, fmt::format("{}: write failed: {}", path, std::strerror(err)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(ErrorKind::io, fmt::format("{}: rename failed: {}", path, std::strerror(err)));
  }
  if (debug_enabled()) debug_log(fmt::format("wrote {} ({} bytes)", path, data.size()));
  return {};
}

Result<void> write_file_atomic(const std::string& path, std::string_view data, bool sync) {
  bool reused = false;
  return write_file_reusing(path, data, sync, "", reused);
}

}  // namespace ncprof::util
