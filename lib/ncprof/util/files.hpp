#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "ncprof/util/error.hpp"

namespace ncprof::util {

// Reads a whole file, or any readable stream (a pipe, a FIFO, /dev/stdin;
// "-" is standard input); refuses more than max_bytes.
Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes = UINT64_MAX);

// Writes data to path whole or not at all: a temporary file in the same
// directory, fsync, then rename. The directory must exist (a typo in a
// path is an error, not a new directory). Without sync, no fsync: still
// never a partial file under path, but a power cut may lose the last files.
Result<void> write_file_atomic(const std::string& path, std::string_view data, bool sync = true);
// The same, overwriting `reuse` (a file due for deletion, in the same
// directory) instead of creating a file: it is renamed aside, truncated,
// written and renamed to `path`. No inode is allocated or freed, which on
// ext4 without a journal is most of the cost of a small file. `reused`
// says that `reuse` is gone (taken by this write, even one that then
// failed); when it was not there, a new file is made.
Result<void> write_file_reusing(const std::string& path, std::string_view data, bool sync, const std::string& reuse,
                                bool& reused);

Result<void> make_dirs(const std::string& dir);

// Removes the temporary files write_file_atomic is writing at this moment.
// Async-signal-safe: a SIGINT/SIGTERM handler calls it, so an interrupted
// command leaves complete files only.
void remove_temp_files() noexcept;

// An output directory, made if missing and checked for writing, before a
// command spends time capturing or waiting. `what` names the option
// ("--out") in errors.
Result<void> prepare_output_dir(const std::string& dir, const std::string& what);

// The same for a file to be written later: its directory made and checked,
// and the path not a directory.
Result<void> prepare_output_file(const std::string& path, const std::string& what);

}  // namespace ncprof::util
