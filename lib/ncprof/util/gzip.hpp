#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "ncprof/util/error.hpp"

namespace ncprof::util {

inline bool is_gzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

// Inflates a gzip stream (several members allowed). Refuses output larger
// than max_out, so a gzip bomb is an error, not an out-of-memory. `name`
// is the file or URL used in messages.
Result<std::string> gunzip(std::string_view data, std::uint64_t max_out, const std::string& name);

std::string gzip(std::string_view data, int level = 6);

}  // namespace ncprof::util
