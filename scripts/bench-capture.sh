#!/usr/bin/env bash
# Wall time and peak memory of `ncprof capture --all --type cpu --duration 5`
# over 7 Go fixture services and over 100 (one process per target: Go
# serves one CPU profile at a time per process). Targets: 7 in under 5.5 s;
# 100 in under 6.5 s and 100 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
ROOT=$PWD
NCPROF=$ROOT/build/apps/ncprof
GOSERVICE=$ROOT/build/goservice
DIR=$ROOT/build/bench-capture
rm -rf "$DIR" && mkdir -p "$DIR"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo $((20000 + RANDOM % 20000)); }

run_case() {
  local n=$1 cfg="$DIR/fleet-$1.yaml"
  echo "replace: true" >"$cfg"
  echo "services:" >>"$cfg"
  local base=$((30000 + n * 10))
  for ((i = 0; i < n; i++)); do
    local port=$((base + i))
    "$GOSERVICE" -name "svc$i" -pprof "127.0.0.1:$port" -contention=false -burn-cpu 0.01 >/dev/null 2>&1 &
    PIDS+=($!)
    printf '  svc%d:\n    pprof: 127.0.0.1:%d\n' "$i" "$port" >>"$cfg"
  done
  for ((i = 0; i < n; i++)); do
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$((base + i))") 2>/dev/null && break; sleep 0.05; done
  done
  /usr/bin/time -f "%e %M" -o "$DIR/time" "$NCPROF" capture --all --type cpu --duration 5 --config "$cfg" \
    --out "$DIR/out-$n" --format json >"$DIR/result-$n.json" || true
  read -r secs kb <"$DIR/time"
  local ok
  ok=$(grep -c '"ok": true' "$DIR/result-$n.json" || true)
  printf '%4d targets: %6.2f s wall, %6.1f MB peak, %d/%d captured\n' "$n" "$secs" "$(echo "$kb/1024" | bc -l)" "$ok" "$n"
  cleanup
  PIDS=()
}

run_case 7
run_case 100
