#!/usr/bin/env bash
# Runs the libFuzzer targets (tests/fuzz/, one per parser) for SECONDS each
# (default 60), seeded from the repository's own inputs (tests/data,
# tests/fuzz/seeds). The corpus grows in build-san/fuzz-corpus/ from run to
# run. A crash, a leak, a timeout (10 s per input) or memory past 2 GB fails
# the run and leaves the input in build-san/fuzz-artifacts/: turn it into a
# regression test.
#   scripts/fuzz.sh [TARGET|all] [SECONDS]
#   TARGET: profile goroutines bench config health gzip strings
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WHICH=${1:-all}
SECONDS_EACH=${2:-60}
ALL=(profile goroutines bench config health gzip strings)
if [ "$WHICH" = all ]; then TARGETS=("${ALL[@]}"); else TARGETS=("$WHICH"); fi
for t in "${TARGETS[@]}"; do
  [[ " ${ALL[*]} " == *" $t "* ]] || { echo "fuzz: unknown target '$t' (${ALL[*]})" >&2; exit 2; }
done
scripts/sanitize-build.sh --target "${TARGETS[@]/#/fuzz_}"

seed() {  # target -> seed files
  case $1 in
    profile) find tests/data tests/fuzz/seeds/profile -name '*.pprof' -o -name '*.pb.gz' -o -name '*.txt' ;;
    gzip) find tests/data -name '*.pprof' -o -name '*.pb.gz' ;;
    goroutines) find tests/data -name 'goroutine-*' ;;
    bench) find tests/fuzz/seeds/bench tests/fixtures -name '*.txt' ;;
    config) find tests/fuzz/seeds/config -type f ;;
    health) find tests/data -name 'health.json' ;;
    strings) find tests/fuzz/seeds/strings -type f ;;
  esac
}

failed=0
for t in "${TARGETS[@]}"; do
  corpus=$ROOT/build-san/fuzz-corpus/$t
  artifacts=$ROOT/build-san/fuzz-artifacts
  mkdir -p "$corpus" "$artifacts"
  seed "$t" | while read -r f; do cp -f "$f" "$corpus/seed-$(basename "$f")"; done
  echo "fuzz: $t for ${SECONDS_EACH}s" >&2
  if ! ASAN_OPTIONS=detect_leaks=1 "$ROOT/build-san/tests/fuzz/fuzz_$t" "$corpus" \
      -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
      -artifact_prefix="$artifacts/$t-" -print_final_stats=1 >"$ROOT/build-san/fuzz-$t.log" 2>&1; then
    echo "fuzz: $t FAILED; input in $artifacts, log in build-san/fuzz-$t.log" >&2
    tail -30 "$ROOT/build-san/fuzz-$t.log" >&2
    failed=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$ROOT/build-san/fuzz-$t.log" | tail -2 | sed "s/^/fuzz: $t: /" >&2
  fi
done
exit $failed
