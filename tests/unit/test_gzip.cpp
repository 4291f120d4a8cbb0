#include <catch2/catch.hpp>

#include "ncprof/util/gzip.hpp"

using namespace ncprof;

TEST_CASE("gzip round trip, including several members", "[util][gzip]") {
  std::string data(100000, 'x');
  for (std::size_t i = 0; i < data.size(); i += 7) data[i] = static_cast<char>('a' + i % 26);
  auto z = util::gzip(data);
  REQUIRE(util::is_gzip(z));
  auto back = util::gunzip(z, 1 << 20, "mem");
  REQUIRE(back);
  CHECK(*back == data);

  auto two = util::gunzip(util::gzip("abc") + util::gzip("def"), 1 << 20, "mem");
  REQUIRE(two);
  CHECK(*two == "abcdef");
}

TEST_CASE("gunzip refuses truncated and corrupt data with the source name", "[util][gzip]") {
  auto z = util::gzip(std::string(50000, 'q') + "tail");
  auto cut = util::gunzip(z.substr(0, z.size() / 2), 1 << 20, "cut.pb.gz");
  REQUIRE_FALSE(cut);
  CHECK(cut.error().message.find("cut.pb.gz") != std::string::npos);
  CHECK(cut.error().message.find("truncated") != std::string::npos);

  std::string bad = z;
  bad[12] = static_cast<char>(bad[12] ^ 0xff);
  bad[13] = static_cast<char>(bad[13] ^ 0xff);
  auto corrupt = util::gunzip(bad, 1 << 20, "bad.gz");
  REQUIRE_FALSE(corrupt);
  CHECK(corrupt.error().kind == ErrorKind::bad_input);
}

TEST_CASE("gunzip stops a gzip bomb at the limit", "[util][gzip]") {
  auto bomb = util::gzip(std::string(10 << 20, '\0'));
  CHECK(bomb.size() < 20000);
  auto r = util::gunzip(bomb, 1 << 20, "bomb.gz");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("exceeds the limit of 1 MiB") != std::string::npos);
  CHECK(util::gunzip(bomb, 10 << 20, "bomb.gz"));
}
