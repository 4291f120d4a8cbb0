#include "ncprof/util/gzip.hpp"

#include <libdeflate.h>
#include <zlib.h>

#include <memory>

#include <fmt/format.h>

namespace ncprof::util {

namespace {
// "1 GiB", "512 MiB": the limit as users set it (util::human_bytes rounds).
std::string limit_text(std::uint64_t n) {
  if (n >= (1ull << 30) && n % (1ull << 30) == 0) return fmt::format("{} GiB", n >> 30);
  if (n >= (1ull << 20) && n % (1ull << 20) == 0) return fmt::format("{} MiB", n >> 20);
  return fmt::format("{} bytes", n);
}
}  // namespace

namespace {

// zlib path: slower, but tells a truncated stream from a corrupt one.
Result<std::string> gunzip_zlib(std::string_view data, std::uint64_t max_out, const std::string& name) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return fail(ErrorKind::internal, fmt::format("{}: zlib init failed", name));
  }
  std::string out;
  // Guess: profiles compress about 4-8x.
  std::uint64_t guess = std::min<std::uint64_t>(static_cast<std::uint64_t>(data.size()) * 6 + 4096, max_out + 1);
  out.resize(static_cast<std::size_t>(guess));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::size_t produced = 0;
  int rc = Z_OK;
  for (;;) {
    if (produced == out.size()) {
      if (out.size() > max_out) {
        inflateEnd(&zs);
        return fail(ErrorKind::bad_input,
                    fmt::format("{}: decompressed size exceeds the limit of {} (gzip bomb?)", name,
                                limit_text(max_out)));
      }
      std::uint64_t grow = std::min<std::uint64_t>(out.size() * 2, max_out + 1);
      if (grow <= out.size()) grow = out.size() + 1;
      out.resize(static_cast<std::size_t>(grow));
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    std::size_t room = out.size() - produced;
    zs.avail_out = static_cast<uInt>(std::min<std::size_t>(room, 1u << 30));
    uInt before = zs.avail_out;
    rc = inflate(&zs, Z_NO_FLUSH);
    produced += before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow (concatenated streams).
      if (zs.avail_in > 0 && is_gzip(std::string_view(reinterpret_cast<const char*>(zs.next_in), zs.avail_in))) {
        inflateReset(&zs);
        continue;
      }
      break;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      inflateEnd(&zs);
      return fail(ErrorKind::bad_input, fmt::format("{}: truncated gzip data (unexpected end of stream)", name));
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      std::string why = zs.msg ? zs.msg : "corrupt data";
      inflateEnd(&zs);
      return fail(ErrorKind::bad_input, fmt::format("{}: invalid gzip data: {}", name, why));
    }
  }
  inflateEnd(&zs);
  if (produced > max_out) {
    return fail(ErrorKind::bad_input,
                fmt::format("{}: decompressed size exceeds the limit of {} (gzip bomb?)", name, limit_text(max_out)));
  }
  out.resize(produced);
  return out;
}

std::uint32_t read_le32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint32_t>(u[0]) | static_cast<std::uint32_t>(u[1]) << 8 |
         static_cast<std::uint32_t>(u[2]) << 16 | static_cast<std::uint32_t>(u[3]) << 24;
}

}  // namespace

Result<std::string> gunzip(std::string_view data, std::uint64_t max_out, const std::string& name) {
  // libdeflate inflates about twice as fast as zlib, but needs the output
  // size up front. The gzip trailer's ISIZE gives it, but a header is a
  // claim, not a fact: it is used only when it is plausible for a profile
  // (at most 16 times the compressed size, within the limit), so that
  // memory follows what the data really inflates to. Everything else (a
  // bomb, a lie, several members) streams through zlib, which grows its
  // buffer with the output and stops at the limit.
  std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> d(libdeflate_alloc_decompressor(),
                                                                                 libdeflate_free_decompressor);
  if (d && data.size() >= 18) {
    const std::uint64_t isize = read_le32(data.data() + data.size() - 4);
    if (isize <= max_out && isize <= static_cast<std::uint64_t>(data.size()) * 16) {
      std::string out(static_cast<std::size_t>(isize), '\0');
      std::size_t in_used = 0, out_used = 0;
      auto rc = libdeflate_gzip_decompress_ex(d.get(), data.data(), data.size(), out.data(), out.size(), &in_used,
                                              &out_used);
      const std::string_view rest = data.substr(in_used);
      // One member (trailing bytes that are not gzip are ignored, as gzip does).
      if (rc == LIBDEFLATE_SUCCESS && !is_gzip(rest)) {
        out.resize(out_used);
        return out;
      }
    }
  }
  return gunzip_zlib(data, max_out, name);
}

std::string gzip(std::string_view data, int level) {
  z_stream zs{};
  deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace ncprof::util
