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

// What a capture needs of a profile, read without building it (watch reads
// tens a second): the sample types, the default one, the sample count, the
// default type's total (wrapping as pprof sums) and whether any value is
// non-zero. It checks the framing, the string table, the sample types'
// strings, each sample's value count and its locations; not the
// functions, lines and mappings a full decode also checks. Input it does
// not take as it is (text forms, anything invalid) goes through
// decode_profile, so errors are decode_profile's.
struct ProfileSummary {
  std::vector<ValueType> sample_types;
  std::size_t default_index = 0;
  std::size_t samples = 0;
  std::int64_t total = 0;
  bool empty = true;
};
Result<ProfileSummary> summarize_profile(std::string_view bytes, const std::string& source,
                                         const DecodeOptions& opts = {});
// The same, of a decoded profile.
ProfileSummary summarize(const Profile& p);

// Reads and decodes a profile file.
Result<Profile> read_profile(const std::string& path, const DecodeOptions& opts = {});

// Checks ids and references; the message says what is wrong.
Result<void> validate_profile(const Profile& p, const std::string& source);

// Serializes to gzip-compressed protobuf, as pprof writes.
std::string encode_profile(const Profile& p);

// Encodes and writes atomically (temporary file, then rename).
Result<void> write_profile(const std::string& path, const Profile& p);

}  // namespace ncprof::profile
