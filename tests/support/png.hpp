#pragma once
// Reads the screenshots browsers write (8-bit RGB or RGBA, not interlaced),
// so tests can look at what a page shows in a browser that cannot dump its
// DOM (Firefox).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ncprof::test {

struct Rgb {
  int r = 0, g = 0, b = 0;
};

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // 3 bytes per pixel, rows top to bottom
  Rgb at(int x, int y) const {
    const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3;
    return {rgb[i], rgb[i + 1], rgb[i + 2]};
  }
};

// nullopt when the file is not such a PNG.
std::optional<Image> read_png(const std::string& path);

// The longest horizontal run of pixels within `tolerance` of `c`, over all rows.
int longest_run(const Image& img, Rgb c, int tolerance = 4);

}  // namespace ncprof::test
