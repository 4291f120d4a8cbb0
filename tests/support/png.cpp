#include "support/png.hpp"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include <zlib.h>

namespace ncprof::test {

namespace {

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

}  // namespace

std::optional<Image> read_png(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (s.size() < 8 || s.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return std::nullopt;
  Image img;
  int channels = 0;
  std::string idat;
  for (std::size_t at = 8; at + 12 <= s.size();) {
    const std::uint32_t len = be32(s, at);
    const std::string type = s.substr(at + 4, 4);
    if (at + 12 + len > s.size()) return std::nullopt;
    if (type == "IHDR") {
      img.width = static_cast<int>(be32(s, at + 8));
      img.height = static_cast<int>(be32(s, at + 12));
      const int depth = static_cast<unsigned char>(s[at + 16]), colour = static_cast<unsigned char>(s[at + 17]);
      const int interlace = static_cast<unsigned char>(s[at + 20]);
      if (depth != 8 || interlace != 0 || (colour != 2 && colour != 6)) return std::nullopt;
      channels = colour == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      idat.append(s, at + 8, len);
    } else if (type == "IEND") {
      break;
    }
    at += 12 + len;
  }
  if (channels == 0 || img.width <= 0 || img.height <= 0) return std::nullopt;
  const std::size_t stride = static_cast<std::size_t>(img.width) * static_cast<std::size_t>(channels);
  std::vector<std::uint8_t> raw((stride + 1) * static_cast<std::size_t>(img.height));
  uLongf raw_len = static_cast<uLongf>(raw.size());
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), static_cast<uLong>(idat.size())) != Z_OK ||
      raw_len != raw.size()) {
    return std::nullopt;
  }
  // Undo each row's filter, then keep RGB.
  std::vector<std::uint8_t> prev(stride, 0), row(stride);
  img.rgb.resize(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height) * 3);
  for (int y = 0; y < img.height; ++y) {
    const std::uint8_t* src = raw.data() + static_cast<std::size_t>(y) * (stride + 1);
    const int filter = src[0];
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= static_cast<std::size_t>(channels) ? row[i - static_cast<std::size_t>(channels)] : 0;
      const int b = prev[i];
      const int c = i >= static_cast<std::size_t>(channels) ? prev[i - static_cast<std::size_t>(channels)] : 0;
      int v = src[1 + i];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) / 2; break;
        case 4: v += paeth(a, b, c); break;
        default: return std::nullopt;
      }
      row[i] = static_cast<std::uint8_t>(v);
    }
    for (int x = 0; x < img.width; ++x) {
      std::memcpy(&img.rgb[(static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) + static_cast<std::size_t>(x)) * 3],
                  &row[static_cast<std::size_t>(x) * static_cast<std::size_t>(channels)], 3);
    }
    std::swap(prev, row);
  }
  return img;
}

int longest_run(const Image& img, Rgb c, int tolerance) {
  int best = 0;
  for (int y = 0; y < img.height; ++y) {
    int run = 0;
    for (int x = 0; x < img.width; ++x) {
      const Rgb p = img.at(x, y);
      const bool near = std::abs(p.r - c.r) <= tolerance && std::abs(p.g - c.g) <= tolerance && std::abs(p.b - c.b) <= tolerance;
      run = near ? run + 1 : 0;
      best = std::max(best, run);
    }
  }
  return best;
}

}  // namespace ncprof::test
