#!/usr/bin/env bash
# Configures and builds build-san/ with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer (-fno-sanitize-recover: any UB fails) and
# libFuzzer coverage: ncprof, the unit tests and the fuzz targets (or the
# targets given); the end-to-end tests drive this ncprof from build/. -O0: a sanitized build of the header-only
# CLI11 is slow to optimise, and these runs look for bugs, not speed.
# Used by scripts/test.sh (the sanitizer pass) and scripts/fuzz.sh.
#   scripts/sanitize-build.sh [--target T...]
set -euo pipefail
cd "$(dirname "$0")/.."
FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -f build-san/build.ninja ]; then
  echo "sanitize: configuring build-san/ (clang, ASan + UBSan)" >&2
  CC=clang CXX=clang++ cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=Sanitize \
    -DCMAKE_CXX_FLAGS_SANITIZE="-O0" -DCMAKE_CXX_FLAGS="$FLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DNCPROF_FUZZ=ON >/dev/null
fi
echo "sanitize: building build-san/ (a few minutes the first time)" >&2
TARGETS=("$@")
if ((${#TARGETS[@]} == 0)); then
  TARGETS=(--target ncprof ncprof_synth ncprof_unit_tests
    fuzz_profile fuzz_goroutines fuzz_bench fuzz_config fuzz_health fuzz_gzip fuzz_strings)
fi
if [ -t 2 ]; then
  cmake --build build-san --parallel "$(nproc)" "${TARGETS[@]}" >&2
else
  cmake --build build-san --parallel "$(nproc)" "${TARGETS[@]}" >/dev/null
fi
