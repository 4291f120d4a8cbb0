#include <catch2/catch.hpp>

#include "ncprof/util/strings.hpp"

using namespace ncprof::util;
using Catch::Detail::Approx;

TEST_CASE("sizes: suffixes, and no wrap-around past the limit", "[util][strings]") {
  CHECK(*parse_size("0") == 0);
  CHECK(*parse_size("512M") == 512ull << 20);
  CHECK(*parse_size("64KB") == 64ull << 10);
  CHECK(*parse_size("1GiB") == 1ull << 30);
  CHECK(*parse_size("2k") == 2048);
  CHECK(!parse_size("-1"));
  CHECK(!parse_size("12Q"));
  CHECK(!parse_size(""));
  auto huge = parse_size("17179869184G");
  REQUIRE(!huge);
  CHECK(huge.error().message.find("too large") != std::string::npos);
  CHECK(!parse_size("18446744073709551616"));
}

TEST_CASE("rates: per second, minute or hour", "[util][strings]") {
  CHECK(*parse_rate("32M/h", true) == Approx(32.0 * 1024 * 1024 / 3600));
  CHECK(*parse_rate("10K", true) == Approx(10240));
  CHECK(*parse_rate("10K/s", true) == Approx(10240));
  CHECK(*parse_rate("60/h", false) == Approx(1.0 / 60));
  CHECK(*parse_rate("0.05", false) == Approx(0.05));
  CHECK(*parse_rate("3/min", false) == Approx(0.05));
  CHECK(!parse_rate("-1/h", false));
  CHECK(!parse_rate("5/day", false));
  CHECK(!parse_rate("abc", false));
  CHECK(!parse_rate("10K/h", false));  // sizes only where sizes are meant
}

TEST_CASE("comma lists: items trimmed, empty ones skipped", "[util][strings]") {
  using ncprof::util::split_commas;
  CHECK(split_commas("heap, goroutine,,\tcpu ") == std::vector<std::string>{"heap", "goroutine", "cpu"});
  CHECK(split_commas("").empty());
  CHECK(split_commas(" , ,").empty());
  CHECK(split_commas("a") == std::vector<std::string>{"a"});
}

TEST_CASE("query escaping: unreserved characters stay, the rest is %XX", "[util][strings]") {
  using ncprof::util::query_escape;
  CHECK(query_escape("svc{env=prod,a=b c}") == "svc%7Benv%3Dprod%2Ca%3Db%20c%7D");
  CHECK(query_escape("A-z_0.9~") == "A-z_0.9~");
  CHECK(query_escape(std::string("\xff\x00", 2)) == "%FF%00");
}
