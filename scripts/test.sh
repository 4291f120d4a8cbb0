#!/usr/bin/env bash
# The README's test command: set up, build, and run every test (unit,
# end-to-end against real Go services, conformance with go tool pprof),
# then the same unit and end-to-end tests built with clang's AddressSanitizer
# and UndefinedBehaviorSanitizer, then a short run of every libFuzzer target.
#   scripts/test.sh              all three passes (what CI runs)
#   scripts/test.sh --quick      the normal build and tests only
#   scripts/test.sh --sanitize   the sanitizer pass only
# FUZZ_SECONDS (default 10) sets the length of each fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-all}
case $MODE in all | --quick | --sanitize) ;; *) echo "usage: scripts/test.sh [--quick|--sanitize]" >&2; exit 2 ;; esac
scripts/setup.sh
# go tool pprof's outputs, kept by the first pass for the sanitizer pass
# (same arguments, same file contents): see tests/e2e/conformance.hpp.
export NCPROF_TEST_PPROF_CACHE="$PWD/build/pprof-cache"

if [ "$MODE" != --sanitize ]; then
  echo "== tests" >&2
  ctest --test-dir build --output-on-failure --no-tests=error --parallel "$(nproc)" --timeout 600
fi
if [ "$MODE" != --quick ]; then
  echo "== tests with AddressSanitizer and UndefinedBehaviorSanitizer" >&2
  scripts/sanitize-build.sh
  # The unit tests are built sanitized; the end-to-end tests drive the
  # sanitized ncprof from build/'s test binary (NCPROF_TEST_NCPROF), in
  # build/'s directories, so go tool pprof's kept outputs match. The serial
  # tests time Go benchmarks: nothing of ncprof's to sanitize that the
  # other suites do not run, and slow under ASan. The external corpus
  # (../shared/corpus, when there is one) adds numbers to compare, not code
  # paths: its size is not ours, so it stays out of this pass (the fuzzers
  # and the test data cover the parsers).
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  ctest --test-dir build-san --output-on-failure --parallel "$(nproc)" --timeout 900 --no-tests=error -R '^unit:'
  NCPROF_TEST_NCPROF="$PWD/build-san/apps/ncprof" \
    ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 900 --no-tests=error -R '^e2e:' -E 'external corpus'
fi
if [ "$MODE" = all ]; then
  echo "== fuzzing, ${FUZZ_SECONDS:-10}s per parser" >&2
  scripts/fuzz.sh all "${FUZZ_SECONDS:-10}"
fi
