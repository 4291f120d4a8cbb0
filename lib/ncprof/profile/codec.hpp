#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "ncprof/profile/profile.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::profile {

struct DecodeOptions {
  // Refuse profiles that inflate past this (a gzip bomb).
  std::uint64_t max_decompressed = 1ull << 30;
};

// Decodes gzip or raw protobuf bytes and validates the result. `source`
// (file name or URL) prefixes every error message.
Result<Profile> decode_profile(std::string_view bytes, const std::string& source, const DecodeOptions& opts = {});

// Reads and decodes a profile file.
Result<Profile> read_profile(const std::string& path, const DecodeOptions& opts = {});

// Checks ids and references; the message says what is wrong.
Result<void> validate_profile(const Profile& p, const std::string& source);

// Serializes to gzip-compressed protobuf, as pprof writes.
std::string encode_profile(const Profile& p);

// Encodes and writes atomically (temporary file, then rename).
Result<void> write_profile(const std::string& path, const Profile& p);

}  // namespace ncprof::profile
