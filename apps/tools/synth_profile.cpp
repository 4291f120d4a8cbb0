// ncprof_synth: writes a large synthetic Go heap profile with ncprof's own
// encoder, for the speed benchmark (scripts/bench-top.sh).
//   ncprof_synth OUT SAMPLES FUNCTIONS LOCATIONS [SEED [AFTER]]
// AFTER (a second seed) writes a later capture of the same program: the
// same functions, locations and stacks as SEED's, with other values, and
// one stack in ten new (what two captures of one service look like).
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <fmt/format.h>

#include "ncprof/profile/codec.hpp"

int main(int argc, char** argv) {
  if (argc < 5) {
    fmt::print(stderr, "usage: ncprof_synth OUT SAMPLES FUNCTIONS LOCATIONS [SEED [AFTER]]\n");
    return 2;
  }
  const std::string out = argv[1];
  const std::size_t nsamples = std::strtoull(argv[2], nullptr, 10);
  const std::size_t nfuncs = std::strtoull(argv[3], nullptr, 10);
  const std::size_t nlocs = std::strtoull(argv[4], nullptr, 10);
  std::mt19937_64 rng(argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 42);
  // With AFTER, values and new stacks come from streams of their own.
  const bool after = argc > 6;
  std::mt19937_64 after_rng(after ? std::strtoull(argv[6], nullptr, 10) : 0);
  std::mt19937_64 fresh_rng(after ? std::strtoull(argv[6], nullptr, 10) + 1 : 0);
  std::uniform_int_distribution<int> tenth(0, 9);

  using namespace ncprof::profile;
  Profile p;
  p.sample_types = {{"alloc_objects", "count"}, {"alloc_space", "bytes"}, {"inuse_objects", "count"},
                    {"inuse_space", "bytes"}};
  p.period_type = {"space", "bytes"};
  p.period = 524288;
  p.time_nanos = 1764000000000000000;
  p.mappings.push_back(Mapping{1, 0x400000, 0x4000000, 0, "/usr/local/bin/synth", "", true, true, true, true});
  for (std::size_t i = 0; i < nfuncs; ++i) {
    Function f;
    f.id = i + 1;
    f.name = fmt::format("example.com/svc/pkg{}.(*Type{}).Method{}", i % 97, i % 13, i);
    f.system_name = f.name;
    f.filename = fmt::format("/src/example.com/svc/pkg{}/file{}.go", i % 97, i % 31);
    f.start_line = static_cast<std::int64_t>(10 + i % 400);
    p.functions.push_back(std::move(f));
  }
  std::uniform_int_distribution<std::size_t> pick_func(1, nfuncs);
  for (std::size_t i = 0; i < nlocs; ++i) {
    Location l;
    l.id = i + 1;
    l.mapping_id = 1;
    l.address = 0x401000 + i * 0x20;
    // About one location in eight holds an inlined call.
    if (i % 8 == 0) l.lines.push_back(Line{pick_func(rng), static_cast<std::int64_t>(20 + i % 300), 0});
    l.lines.push_back(Line{i < nfuncs ? i + 1 : pick_func(rng), static_cast<std::int64_t>(30 + i % 500), 0});
    p.locations.push_back(std::move(l));
  }
  std::uniform_int_distribution<std::size_t> pick_loc(1, nlocs);
  std::uniform_int_distribution<int> depth(8, 48);
  std::uniform_int_distribution<int> label(0, 49);
  std::uniform_int_distribution<std::int64_t> objects(1, 64);
  p.samples.reserve(nsamples);
  for (std::size_t i = 0; i < nsamples; ++i) {
    Sample s;
    int d = depth(rng);
    for (int k = 0; k < d; ++k) s.location_ids.push_back(static_cast<LocationRef>(pick_loc(rng)));
    std::int64_t alloc = objects(rng);  // drawn with AFTER too: SEED's stream stays in step
    if (after) alloc = objects(after_rng);
    const std::int64_t size = 16 << (alloc % 8);
    std::int64_t inuse = alloc / 2;
    s.values = {alloc, alloc * size, inuse, inuse * size};
    s.labels = {Label{"handler", fmt::format("/api/v1/endpoint{}", label(rng)), 0, ""}};
    if (after && tenth(after_rng) == 0) {
      s.location_ids.clear();
      for (int k = depth(fresh_rng); k > 0; --k) s.location_ids.push_back(static_cast<LocationRef>(pick_loc(fresh_rng)));
    }
    p.samples.push_back(std::move(s));
  }
  if (auto ok = write_profile(out, p); !ok) {
    fmt::print(stderr, "ncprof_synth: {}\n", ok.error().message);
    return 1;
  }
  return 0;
}
