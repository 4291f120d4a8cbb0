#include <catch2/catch.hpp>

#include "ncprof/profile/measure.hpp"

using namespace ncprof::profile;

TEST_CASE("values scale and print as pprof prints them", "[profile][measure]") {
  CHECK(scaled_label(1536, "bytes", "minimum") == "1.50kB");
  CHECK(scaled_label(512 * 1024, "bytes", "kB") == "512kB");
  CHECK(scaled_label(3 * 1048576 + 1048576 / 4, "bytes", "MB") == "3.25MB");
  CHECK(scaled_label(10000000, "nanoseconds", "ms") == "10ms");
  CHECK(scaled_label(1234567890, "nanoseconds", "s") == "1.23s");
  CHECK(scaled_label(30000000000, "nanoseconds", "auto") == "30s");
  CHECK(scaled_label(-2048, "bytes", "kB") == "-2kB");
  CHECK(scaled_label(0, "bytes", "MB") == "0");
  CHECK(scaled_label(42, "count", "count") == "42");
  CHECK(scaled_label(7, "objects", "objects") == "7objects");
  CHECK(scale_value(5, "count", "minimum").second.empty());
  CHECK(scale_value(0, "nanoseconds", "minimum").second == "s");
}

TEST_CASE("percentages keep two significant digits", "[profile][measure]") {
  CHECK(percentage(1, 1) == "  100%");
  CHECK(percentage(9996, 10000) == "  100%");
  CHECK(percentage(1234, 10000) == "12.34%");
  CHECK(percentage(5, 1000) == "  0.5%");
  CHECK(percentage(56, 10000) == " 0.56%");
  CHECK(percentage(1, 1000000) == "0.0001%");
  CHECK(percentage(1, 100000000) == "1e-06%");
  CHECK(percentage(0, 10) == "    0%");
  CHECK(percentage(-250, 1000) == "25.00%");
  CHECK(percentage(3, 0) == "    0%");
}
