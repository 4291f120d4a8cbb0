#!/usr/bin/env bash
# Regenerates tests/data/: the profiles the conformance, goroutine and
# error tests read, captured from the repository's own Go fixture service
# (tests/fixtures/goservice) with curl, so the tests need nothing outside
# the repository. The fixture leaks heap and goroutines at a steady rate and
# burns some CPU, like the service the guide profiles.
#   scripts/gen-testdata.sh
# Review the diff before committing: the tests' expectations are properties
# of these files (totals that add up, the leaking functions present), not
# their exact bytes, so a regeneration should keep them passing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
scripts/setup.sh --only goservice ncprof_synth >/dev/null
command -v curl >/dev/null || { echo "gen-testdata: needs curl" >&2; exit 2; }
OUT=$ROOT/tests/data
mkdir -p "$OUT/go-runtime"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo $((20000 + RANDOM % 10000)); }
P=$(free_port); A=$(free_port); P2=$(free_port)
"$ROOT/build/goservice" -name crawler -pprof "127.0.0.1:$P" -app "127.0.0.1:$A" \
  -leak-heap 200000 -leak-goroutines 5 -burn-cpu 0.5 -churn 1000000 >/dev/null 2>&1 &
PID1=$!
"$ROOT/build/goservice" -name classifier -pprof "127.0.0.1:$P2" -burn-cpu 1.5 -churn 4000000 >/dev/null 2>&1 &
PID2=$!
trap 'kill $PID1 $PID2 2>/dev/null || true' EXIT INT TERM HUP
for port in $P $A $P2; do
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/health/memory" && break; sleep 0.1; done
done

get() { curl -fsS --max-time 60 -o "$2" "http://127.0.0.1:$P$1"; }
sleep 2
get "/debug/pprof/heap?gc=1" "$OUT/go-runtime/heap-1.pprof"
get "/debug/pprof/goroutine" "$OUT/go-runtime/goroutine-1.pprof"
get "/debug/pprof/goroutine?debug=1" "$OUT/go-runtime/goroutine-1.txt"
sleep 3
get "/debug/pprof/heap?gc=1" "$OUT/go-runtime/heap-2.pprof"
get "/debug/pprof/goroutine" "$OUT/go-runtime/goroutine-2.pprof"
get "/debug/pprof/goroutine?debug=2" "$OUT/go-runtime/goroutine-2.txt"
get "/debug/pprof/allocs" "$OUT/go-runtime/allocs.pprof"
get "/debug/pprof/block" "$OUT/go-runtime/block.pprof"
get "/debug/pprof/mutex" "$OUT/go-runtime/mutex.pprof"
get "/debug/pprof/threadcreate" "$OUT/go-runtime/threadcreate.pprof"
curl -fsS -o "$OUT/go-runtime/health.json" "http://127.0.0.1:$A/health/memory"
# Two CPU profiles at once: a short one of the leaking service, a longer,
# busier one of another (merged with the first in the tests).
get "/debug/pprof/profile?seconds=4" "$OUT/go-runtime/cpu.pprof" &
CPU_PID=$!
curl -fsS --max-time 60 -o "$OUT/cpu-long.pb.gz" "http://127.0.0.1:$P2/debug/pprof/profile?seconds=8"
wait "$CPU_PID"  # not a bare wait: the fixtures are children too
# A larger profile with many functions, deep stacks and inlined calls,
# written by ncprof's own encoder (go tool pprof reads it in the tests).
"$ROOT/build/apps/ncprof_synth" "$OUT/synthetic-heap.pb.gz" 3000 400 800 7
ls -l "$OUT" "$OUT/go-runtime"
