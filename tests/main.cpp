#define CATCH_CONFIG_RUNNER
#include <cstdlib>

#include <catch2/catch.hpp>

int main(int argc, char** argv) {
  // pprof prints times in the local zone: pin it so outputs compare.
  setenv("TZ", "UTC", 1);
  return Catch::Session().run(argc, argv);
}
