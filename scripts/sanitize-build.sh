#!/usr/bin/env bash
# Configures and builds build-san/: everything (ncprof, the tests and the
# libFuzzer targets) with clang, AddressSanitizer and UndefinedBehavior-
# Sanitizer (-fno-sanitize-recover: any UB fails), and libFuzzer coverage.
# Used by scripts/test.sh (the sanitizer pass) and scripts/fuzz.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g1"
if [ ! -f build-san/build.ninja ]; then
  echo "sanitize: configuring build-san/ (clang, ASan + UBSan)" >&2
  CC=clang CXX=clang++ cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1" -DCMAKE_CXX_FLAGS="$FLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DNCPROF_FUZZ=ON >/dev/null
fi
echo "sanitize: building build-san/ (a few minutes the first time)" >&2
if [ -t 2 ]; then
  cmake --build build-san --parallel "$(nproc)" "$@" >&2
else
  cmake --build build-san --parallel "$(nproc)" "$@" >/dev/null
fi
