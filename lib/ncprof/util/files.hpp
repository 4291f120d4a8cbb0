#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "ncprof/util/error.hpp"

namespace ncprof::util {

// Reads a whole file; refuses files larger than max_bytes.
Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes = UINT64_MAX);

// Writes data to path whole or not at all: a temporary file in the same
// directory, fsync, then rename. Creates missing parent directories.
Result<void> write_file_atomic(const std::string& path, std::string_view data);

Result<void> make_dirs(const std::string& dir);

}  // namespace ncprof::util
