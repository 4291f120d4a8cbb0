#!/usr/bin/env bash
# Quality of leak-check's verdicts against the Go fixture, each case run N
# times (default 10) at once: a heap leak of 100 KB/s and a goroutine leak of
# 1/s must be LEAK within a 30 s check with the leaking function named; a
# busy service without a leak (its heap saws with GC) must be OK.
# Prints detections and false alarms. Target: 10/10 and 10/10, 0/10.
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

declare -A SWITCHES=(
  [heap]="-leak-heap 100000 -churn 500000"
  [goroutine]="-leak-goroutines 1 -churn 500000"
  [busy]="-churn 2000000 -burn-cpu 0.1"
)
declare -A NAMED=([heap]="main.retainBuffer" [goroutine]="main.stuckSubscriber" [busy]="")

port=21000  # below the ephemeral port range (32768+), where client sockets could take it
for case in heap goroutine busy; do
  for ((i = 1; i <= N; i++)); do
    p=$((port++)); a=$((port++))
    # shellcheck disable=SC2086
    "$GOSERVICE" -name "$case$i" -pprof "127.0.0.1:$p" -app "127.0.0.1:$a" ${SWITCHES[$case]} >/dev/null 2>&1 &
    PIDS+=($!)
    printf 'replace: true\nservices:\n  %s%d:\n    pprof: 127.0.0.1:%d\n    health: http://127.0.0.1:%d/health/memory\n' \
      "$case" "$i" "$p" "$a" >"$DIR/$case$i.yaml"
  done
done
sleep 1
CHECKS=()
for case in heap goroutine busy; do
  for ((i = 1; i <= N; i++)); do
    (cd "$DIR" && "$NCPROF" leak-check --all --config "$case$i.yaml" --interval 2s --count 15 --format json \
      >"$case$i.json" 2>"$case$i.err" || true) &
    CHECKS+=($!)
  done
done
for c in "${CHECKS[@]}"; do wait "$c"; done

for case in heap goroutine busy; do
  leaks=0 named=0
  for ((i = 1; i <= N; i++)); do
    if grep -q '"verdict": "LEAK"' "$DIR/$case$i.json"; then
      leaks=$((leaks + 1))
      [ -n "${NAMED[$case]}" ] && grep -q "${NAMED[$case]}" "$DIR/$case$i.json" && named=$((named + 1))
    fi
  done
  if [ "$case" = busy ]; then
    echo "busy service, no leak:       false alarms $leaks/$N"
  else
    printf '%-28s detected %d/%d, %s named %d/%d\n' "$case leak:" "$leaks" "$N" "${NAMED[$case]}" "$named" "$N"
  fi
done
