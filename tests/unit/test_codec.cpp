#include <filesystem>

#include <catch2/catch.hpp>

#include "ncprof/profile/codec.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/gzip.hpp"
#include "profile.pb.h"
#include "support/builder.hpp"
#include "support/fixture.hpp"

using namespace ncprof;
using ncprof::test::ProfileBuilder;

namespace {

profile::Profile sample_profile() {
  auto p = ProfileBuilder::heap()
               .sample({"runtime.malg", "main.worker"}, {1, 512, 1, 512}, {{"span", "a", 0, ""}})
               .sample({"bytes.grow>bytes.Buffer.Write", "main.worker"}, {2, 4096, 0, 0})
               .build();
  p.time_nanos = 1700000000000000000;
  p.duration_nanos = 30000000000;
  p.comments = {"note"};
  p.default_sample_type = "inuse_space";
  p.mappings.push_back(profile::Mapping{1, 0x400000, 0x800000, 0, "/bin/svc", "abc", true, true, true, true});
  for (auto& l : p.locations) l.mapping_id = 1;
  return p;
}

std::string raw(const perftools::profiles::Profile& m) { return m.SerializeAsString(); }

perftools::profiles::Profile minimal_message() {
  perftools::profiles::Profile m;
  m.add_string_table("");
  m.add_string_table("samples");
  m.add_string_table("count");
  auto* st = m.add_sample_type();
  st->set_type(1);
  st->set_unit(2);
  auto* f = m.add_function();
  f->set_id(1);
  f->set_name(1);
  auto* l = m.add_location();
  l->set_id(1);
  l->add_line()->set_function_id(1);
  auto* s = m.add_sample();
  s->add_location_id(1);
  s->add_value(5);
  return m;
}

}  // namespace

TEST_CASE("encode then decode keeps the profile's meaning", "[profile][codec]") {
  auto p = sample_profile();
  auto bytes = profile::encode_profile(p);
  CHECK(util::is_gzip(bytes));
  auto back = profile::decode_profile(bytes, "mem");
  REQUIRE(back);
  CHECK(back->sample_types == p.sample_types);
  REQUIRE(back->samples.size() == 2);
  CHECK(back->samples[0].values == std::vector<std::int64_t>{1, 512, 1, 512});
  CHECK(back->samples[0].labels == p.samples[0].labels);
  CHECK(back->samples[1].location_ids == p.samples[1].location_ids);
  CHECK(back->locations[2].lines.size() == 2);
  CHECK(back->functions[0].name == "runtime.malg");
  CHECK(back->mappings[0].filename == "/bin/svc");
  CHECK(back->time_nanos == p.time_nanos);
  CHECK(back->duration_nanos == p.duration_nanos);
  CHECK(back->comments == p.comments);
  CHECK(back->default_sample_type == "inuse_space");
  CHECK(profile::default_sample_index(*back) == 3);
}

TEST_CASE("raw (not gzipped) protobuf is accepted", "[profile][codec]") {
  auto p = profile::decode_profile(raw(minimal_message()), "raw.pb");
  REQUIRE(p);
  CHECK(p->samples.at(0).values.at(0) == 5);
}

TEST_CASE("broken input is refused with a message naming the source", "[profile][codec]") {
  auto expect_error = [](const std::string& bytes, const std::string& needle) {
    auto r = profile::decode_profile(bytes, "in.pb.gz");
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::bad_input);
    INFO(r.error().message);
    CHECK(r.error().message.rfind("in.pb.gz: ", 0) == 0);
    CHECK(r.error().message.find(needle) != std::string::npos);
  };
  expect_error("", "empty");
  expect_error("<html><body>404 page not found</body></html>", "HTML");
  expect_error(util::gzip("<!DOCTYPE html><html></html>"), "HTML");
  expect_error("404 page not found\n", "text, not a profile");
  auto good = raw(minimal_message());
  expect_error(good.substr(0, good.size() - 3), "truncated or corrupt");
  auto z = profile::encode_profile(sample_profile());
  expect_error(z.substr(0, z.size() - 10), "truncated gzip");
}

TEST_CASE("invalid references and ids are refused", "[profile][codec]") {
  auto check = [](perftools::profiles::Profile m, const std::string& needle) {
    auto r = profile::decode_profile(raw(m), "bad.pb");
    REQUIRE_FALSE(r);
    INFO(r.error().message);
    CHECK(r.error().message.find(needle) != std::string::npos);
  };
  {
    auto m = minimal_message();
    m.mutable_function(0)->set_name(99);
    check(m, "string index 99 out of range");
  }
  {
    auto m = minimal_message();
    m.mutable_sample(0)->add_value(7);
    check(m, "has 2 values for 1 sample types");
  }
  {
    auto m = minimal_message();
    m.mutable_sample(0)->add_location_id(42);
    check(m, "missing location 42");
  }
  {
    auto m = minimal_message();
    m.mutable_location(0)->mutable_line(0)->set_function_id(9);
    check(m, "missing function 9");
  }
  {
    auto m = minimal_message();
    auto* f = m.add_function();
    f->set_id(1);
    check(m, "duplicate function id 1");
  }
  {
    auto m = minimal_message();
    m.mutable_location(0)->set_id(0);
    check(m, "reserved id 0");
  }
  {
    auto m = minimal_message();
    m.mutable_string_table(0)->assign("x");
    check(m, "string table entry 0");
  }
}

TEST_CASE("the decompressed size limit refuses a gzip bomb", "[profile][codec]") {
  auto bomb = util::gzip(std::string(8 << 20, '\0'));
  profile::DecodeOptions opts;
  opts.max_decompressed = 1 << 20;
  auto r = profile::decode_profile(bomb, "bomb.pb.gz", opts);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("exceeds the limit") != std::string::npos);
}

TEST_CASE("the summary a capture reads equals the decoded profile's, errors included", "[profile][codec]") {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(ncprof::test::test_data_dir())) {
    const std::string f = e.path().string();
    if (f.ends_with(".pprof") || f.ends_with(".pb.gz") || f.ends_with(".txt")) files.push_back(f);
  }
  REQUIRE(files.size() >= 12);
  int wire = 0;
  for (const auto& f : files) {
    INFO(f);
    const std::string bytes = *util::read_file(f);
    auto full = profile::decode_profile(bytes, f);
    auto summary = profile::summarize_profile(bytes, f);
    REQUIRE(full.has_value() == summary.has_value());
    if (!full) {
      CHECK(summary.error().message == full.error().message);
      continue;
    }
    const auto want = profile::summarize(*full);
    CHECK(summary->sample_types == want.sample_types);
    CHECK(summary->default_index == want.default_index);
    CHECK(summary->samples == want.samples);
    CHECK(summary->total == want.total);
    CHECK(summary->empty == want.empty);
    CHECK(want.samples == full->samples.size());
    wire += f.ends_with(".txt") ? 0 : 1;
  }
  CHECK(wire >= 10);
  // Broken input: decode_profile's own message.
  for (const std::string bad : {std::string("not a profile"), std::string("\x1f\x8b\x08garbage"), std::string()}) {
    auto full = profile::decode_profile(bad, "x.pb.gz");
    auto summary = profile::summarize_profile(bad, "x.pb.gz");
    REQUIRE(!full);
    REQUIRE(!summary);
    CHECK(summary.error().message == full.error().message);
  }
  // Samples without sample types are refused (nothing to read their values by).
  auto untyped = minimal_message();
  untyped.clear_sample_type();
  untyped.mutable_sample(0)->clear_value();
  auto none = profile::summarize_profile(raw(untyped), "untyped");
  REQUIRE(!none);
  CHECK(none.error().message.find("samples but no sample types") != std::string::npos);
  // A sample pointing at a location that is not there is refused.
  auto m = minimal_message();
  m.mutable_sample(0)->add_location_id(999);
  auto summary = profile::summarize_profile(raw(m), "dangling");
  REQUIRE(!summary);
  CHECK(summary.error().message.find("missing location 999") != std::string::npos);
}
