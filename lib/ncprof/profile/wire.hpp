#pragma once
// A bounds-checked protobuf wire reader: just what the pprof schema needs.
// Every read checks the end of the buffer; a failure sets ok() to false
// and all later reads return zero.
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ncprof::profile::wire {

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

class Reader {
 public:
  explicit Reader(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}

  bool done() const { return p_ >= end_ || !ok_; }
  bool ok() const { return ok_; }

  // Reads a field key; false at the end or on error.
  bool next(std::uint32_t& field, std::uint32_t& type) {
    if (done()) return false;
    std::uint64_t key = varint();
    field = static_cast<std::uint32_t>(key >> 3);
    type = static_cast<std::uint32_t>(key & 7);
    if (field == 0) ok_ = false;
    return ok_;
  }

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return fail();
      auto b = static_cast<unsigned char>(*p_++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    return fail();
  }

  std::string_view bytes() {
    std::uint64_t n = varint();
    if (!ok_ || n > static_cast<std::uint64_t>(end_ - p_)) {
      fail();
      return {};
    }
    std::string_view out(p_, static_cast<std::size_t>(n));
    p_ += n;
    return out;
  }

  void skip(std::uint32_t type) {
    switch (type) {
      case kVarint:
        varint();
        break;
      case kFixed64:
        advance(8);
        break;
      case kLen:
        bytes();
        break;
      case kFixed32:
        advance(4);
        break;
      default:
        fail();  // groups are not part of profile.proto
    }
  }

  // A repeated integer field: packed (type 2) or one value (type 0).
  template <class T>
  void repeated_varint(std::uint32_t type, std::vector<T>& out) {
    if (type == kVarint) {
      out.push_back(static_cast<T>(varint()));
    } else if (type == kLen) {
      std::string_view data = bytes();
      // Grow geometrically: a field repeated in many packed chunks must
      // append in amortised constant time, not reallocate every chunk.
      const std::size_t need = out.size() + count_varints(data);
      if (need > out.capacity()) out.reserve(std::max(need, out.capacity() * 2));
      Reader packed(data);
      while (!packed.done()) out.push_back(static_cast<T>(packed.varint()));
      if (!packed.ok()) fail();
    } else {
      fail();
    }
  }

  // Number of varints in a packed field (bytes without the continuation
  // bit), to size a vector before reading it.
  static std::size_t count_varints(std::string_view packed) {
    std::size_t n = 0;
    for (char c : packed) n += (static_cast<unsigned char>(c) & 0x80) == 0;
    return n;
  }

  // A scalar field of the expected wire type, else an error.
  std::uint64_t scalar(std::uint32_t type) {
    if (type != kVarint) return fail();
    return varint();
  }

  std::uint64_t fail() {
    ok_ = false;
    p_ = end_;
    return 0;
  }

 private:
  void advance(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) {
      fail();
      return;
    }
    p_ += n;
  }

  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace ncprof::profile::wire
