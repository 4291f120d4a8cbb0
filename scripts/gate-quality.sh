#!/usr/bin/env bash
# Quality of the benchmark gate on this machine, over the fixture module
# tests/fixtures/benchmod (a git repository of one commit, made here):
#   --against A/A   the working tree against HEAD, no change: how many fail
#   --against A/B   the working tree's Normalize doing twice the work
#                   (defaultSlowFactor = 2): how many runs catch it
#   --compare A/A   a saved baseline, then runs with no change: how many fail
#   --compare A/B   NCPROF_BENCH_SLOW=2 (Normalize twice the work) against it
# and one run of --against with its defaults over all ten benchmarks (the
# time a CI gate takes). Every gate is --fail-on $FAIL_ON (default 25).
# Prints failures, detections, nproc, load and the time per run.
#   scripts/gate-quality.sh [AA_RUNS=40] [AB_RUNS=20]
# The repeated runs use a short configuration so that 120 of them fit in
# well under an hour; change it with BENCH (default Normalize|Checksum|Split),
# BENCHTIME (0.1s), ROUNDS (10), COUNT (6, the saved mode's -count).
# Targets: 0/40 A/A failures with --against, at most 1/20 with --compare,
# 20/20 A/B caught by both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
ROOT=$PWD
AA=${1:-40}
AB=${2:-20}
BENCH=${BENCH:-Normalize|Checksum|Split}
BENCHTIME=${BENCHTIME:-0.1s}
ROUNDS=${ROUNDS:-10}
COUNT=${COUNT:-6}
FAIL_ON=${FAIL_ON:-25}
NCPROF=$ROOT/build/apps/ncprof
DIR=$ROOT/build/gate-quality
export GOFLAGS=-buildvcs=false GOPROXY=off
rm -rf "$DIR" && mkdir -p "$DIR"
cp -r tests/fixtures/benchmod "$DIR/mod"
git -C "$DIR/mod" init -q
git -C "$DIR/mod" add -A
git -C "$DIR/mod" -c user.name=gate -c user.email=gate@ncprof commit -qm base

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
echo "gate-quality: nproc=$(nproc), load $(load); --bench '$BENCH' --benchtime $BENCHTIME --rounds $ROUNDS" \
  "(--compare: --count $COUNT), --fail-on $FAIL_ON"

# run NAME EXPECT ARGS...: runs ncprof bench ARGS in the module, counts the
# exits equal to EXPECT (1: the gate failed) and reports the time per run.
declare -A HITS TIME
run_case() {
  local name=$1 n=$2; shift 2
  local hits=0 t0 t1
  t0=$(now)
  for ((i = 1; i <= n; i++)); do
    local rc=0
    "$@" >"$DIR/$name-$i.out" 2>"$DIR/$name-$i.err" || rc=$?
    if [ "$rc" -eq 1 ]; then
      hits=$((hits + 1))
    elif [ "$rc" -ne 0 ]; then
      echo "gate-quality: $name run $i: exit $rc (see $DIR/$name-$i.err)" >&2
    fi
  done
  t1=$(now)
  HITS[$name]=$hits
  TIME[$name]=$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { print (b - a) / n }')
}
against=("$NCPROF" bench --dir "$DIR/mod" --against HEAD --bench "$BENCH" --benchtime "$BENCHTIME"
  --rounds "$ROUNDS" --fail-on "$FAIL_ON")
saved=("$NCPROF" bench --dir "$DIR/mod" --bench "$BENCH" --benchtime "$BENCHTIME" --count "$COUNT")

run_case against-aa "$AA" "${against[@]}"
sed -i 's/const defaultSlowFactor = 1/const defaultSlowFactor = 2/' "$DIR/mod/work.go"
run_case against-ab "$AB" "${against[@]}"
git -C "$DIR/mod" checkout -q work.go

"${saved[@]}" --baseline >"$DIR/baseline.out" 2>&1
run_case saved-aa "$AA" "${saved[@]}" --compare --fail-on "$FAIL_ON"
run_case saved-ab "$AB" env NCPROF_BENCH_SLOW=2 "${saved[@]}" --compare --fail-on "$FAIL_ON"

# Caught means the gate named Normalize as the regression, not only failed.
named() {
  local name=$1 n=$2 k=0
  for ((i = 1; i <= n; i++)); do
    grep -qE 'Normalize.*REGRESSED \(confirmed\)|^  Normalize-' "$DIR/$name-$i.out" && k=$((k + 1))
  done
  echo "$k"
}
printf '%-44s %d/%d failed   (%.1f s/run)\n' "--against HEAD, no change (A/A):" "${HITS[against-aa]}" "$AA" "${TIME[against-aa]}"
printf '%-44s %d/%d caught, Normalize named %d/%d   (%.1f s/run)\n' "--against HEAD, Normalize 2x (A/B):" \
  "${HITS[against-ab]}" "$AB" "$(named against-ab "$AB")" "$AB" "${TIME[against-ab]}"
printf '%-44s %d/%d failed   (%.1f s/run)\n' "--compare baseline, no change (A/A):" "${HITS[saved-aa]}" "$AA" "${TIME[saved-aa]}"
printf '%-44s %d/%d caught, Normalize named %d/%d   (%.1f s/run)\n' "--compare baseline, Normalize 2x (A/B):" \
  "${HITS[saved-ab]}" "$AB" "$(named saved-ab "$AB")" "$AB" "${TIME[saved-ab]}"

# One gate run with the defaults (20 rounds, 0.5s) over all ten benchmarks
# (SKIP_DEFAULTS=1 leaves it out).
if [ -n "${SKIP_DEFAULTS:-}" ]; then echo "gate-quality: done, load $(load)"; exit 0; fi
t0=$(now)
rc=0
"$NCPROF" bench --dir "$DIR/mod" --against HEAD >"$DIR/defaults.out" 2>"$DIR/defaults.err" || rc=$?
t1=$(now)
printf '%-44s exit %d in %.0f s (%s benchmarks)\n' "--against HEAD with the defaults:" "$rc" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
  "$(grep -cE 'sec/op .*(ok|improved|REGRESSED)' "$DIR/defaults.out")"
echo "gate-quality: done, load $(load)"
