#!/usr/bin/env bash
# Quality of leak-check's verdicts against the Go fixture, each case run N
# times (default 10) at once: a heap leak of 100 KB/s and a goroutine leak of
# 1/s must be LEAK within a 30 s check with the leaking function named; a
# busy service without a leak (its heap saws with GC) must be OK. The
# long-running cases look like a service up for an hour: 300 MB in use plus
# a 100 KB/s leak, 3,000 parked goroutines plus 1 new stuck one a second
# (both LEAK), and the same 300 MB and 3,000 goroutines without a leak (OK).
# Prints detections and false alarms. Target: N/N detected, 0/N false alarms.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
ROOT=$PWD
N=${1:-10}
NCPROF=$ROOT/build/apps/ncprof
GOSERVICE=$ROOT/build/goservice
DIR=$ROOT/build/leak-quality
rm -rf "$DIR" && mkdir -p "$DIR"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

CASES=(heap goroutine busy bigheap manygoroutines bigsteady)
declare -A SWITCHES=(
  [heap]="-leak-heap 100000 -churn 500000"
  [goroutine]="-leak-goroutines 1 -churn 500000"
  [busy]="-churn 2000000 -burn-cpu 0.1"
  [bigheap]="-ballast 314572800 -leak-heap 100000 -churn 500000"
  [manygoroutines]="-park-goroutines 3000 -leak-goroutines 1 -churn 500000"
  [bigsteady]="-ballast 314572800 -park-goroutines 3000 -churn 2000000"
)
declare -A NAMED=([heap]="main.retainBuffer" [goroutine]="main.stuckSubscriber" [busy]=""
  [bigheap]="main.retainBuffer" [manygoroutines]="main.stuckSubscriber" [bigsteady]="")

port=21000  # below the ephemeral port range (32768+), where client sockets could take it
for case in "${CASES[@]}"; do
  for ((i = 1; i <= N; i++)); do
    p=$((port++)); a=$((port++))
    # shellcheck disable=SC2086
    "$GOSERVICE" -name "$case$i" -pprof "127.0.0.1:$p" -app "127.0.0.1:$a" ${SWITCHES[$case]} >/dev/null 2>&1 &
    PIDS+=($!)
    printf 'replace: true\nservices:\n  %s%d:\n    pprof: 127.0.0.1:%d\n    health: http://127.0.0.1:%d/health/memory\n' \
      "$case" "$i" "$p" "$a" >"$DIR/$case$i.yaml"
  done
done
# The fixtures build their steady heap before they open their ports.
for p0 in $(seq 21000 2 $((port - 2))); do
  for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/$p0) 2>/dev/null && break; sleep 0.1; done
done
CHECKS=()
for case in "${CASES[@]}"; do
  for ((i = 1; i <= N; i++)); do
    (cd "$DIR" && "$NCPROF" leak-check --all --config "$case$i.yaml" --interval 2s --count 15 --format json \
      >"$case$i.json" 2>"$case$i.err" || true) &
    CHECKS+=($!)
  done
done
for c in "${CHECKS[@]}"; do wait "$c"; done

for case in "${CASES[@]}"; do
  leaks=0 named=0
  for ((i = 1; i <= N; i++)); do
    if grep -q '"verdict": "LEAK"' "$DIR/$case$i.json"; then
      leaks=$((leaks + 1))
      [ -n "${NAMED[$case]}" ] && grep -q "${NAMED[$case]}" "$DIR/$case$i.json" && named=$((named + 1))
    fi
  done
  if [ -z "${NAMED[$case]}" ]; then
    printf '%-34s false alarms %d/%d\n' "$case (no leak):" "$leaks" "$N"
  else
    printf '%-34s detected %d/%d, %s named %d/%d\n' "$case leak:" "$leaks" "$N" "${NAMED[$case]}" "$named" "$N"
  fi
done
