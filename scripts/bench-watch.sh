#!/usr/bin/env bash
# ncprof watch at scale: TARGETS targets (ADDRS_PER addresses on each Go
# fixture process, as several services per host) with heap+goroutine every
# EVERY for SECONDS; prints the CPU time ncprof used (share of one core),
# its peak RSS, captures made against expected, failed, late and missed
# captures, and the disk used.
#   scripts/bench-watch.sh [TARGETS=200] [SECONDS=120] [EVERY=10s] [ADDRS_PER=10] [KEEP=0]
# KEEP: --keep (0, no limit: no file is deleted during the run; N: past N
# files per service and type, each new file takes the oldest one's place).
# NCPROF_WRAP (e.g. "perf record -g -o /tmp/watch.perf --") runs the watch under a profiler.
# BENCH_WATCH_DIR (default /tmp) is where the profiles go: the file system
# is part of the figure (a new file per capture), so the script names it.
# Targets: under 5% of one core, under 150 MB, no missed captures.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=${1:-200}
SECONDS_RUN=${2:-120}
EVERY=${3:-10s}
PER=${4:-10}
KEEP=${5:-0}
scripts/setup.sh --only ncprof goservice >/dev/null
NCPROF=${NCPROF_BIN:-$PWD/build/apps/ncprof}  # NCPROF_BIN: another build to measure
GOSERVICE=$PWD/build/goservice
DIR=$(mktemp -d "${BENCH_WATCH_DIR:-/tmp}/ncprof-bench-watch.XXXXXX")
FSTYPE=$(df --output=fstype "$DIR" | tail -1 | tr -d " ")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

# Loopback ports below the kernel's ephemeral range (32768 and up here),
# where no outgoing connection can be holding one, one per target.
base=$((16000 + RANDOM % (16000 - TARGETS)))
config="$DIR/ncprof.yaml"
echo "replace: true" >"$config"
echo "services:" >>"$config"
procs=$(((TARGETS + PER - 1) / PER))
n=0
for ((p = 0; p < procs; p++)); do
  addrs=()
  for ((a = 0; a < PER && n < TARGETS; a++)); do
    port=$((base + n))
    addrs+=("127.0.0.1:$port")
    printf '  svc%03d:\n    pprof: 127.0.0.1:%d\n    health: none\n' "$n" "$port" >>"$config"
    n=$((n + 1))
  done
  "$GOSERVICE" -name "proc$p" -pprof "$(IFS=,; echo "${addrs[*]}")" -ballast $((4 << 20)) -park-goroutines 20 \
    >/dev/null 2>&1 &
  pids+=($!)
done
# Wait until every address answers (a fixture that could not listen is a
# failed run, not failed captures).
for ((n = 0; n < TARGETS; n++)); do
  for try in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$((base + n))/debug/fixture/connections" 2>/dev/null && break
    if [ "$try" = 100 ]; then echo "bench-watch: 127.0.0.1:$((base + n)) does not answer" >&2; exit 1; fi
    sleep 0.1
  done
done

/usr/bin/time -f "%U %S %M" -o "$DIR/time.out" ${NCPROF_WRAP:-} \
  timeout -s INT "$SECONDS_RUN" "$NCPROF" watch --all --config "$config" --every "$EVERY" \
  --types heap,goroutine --out "$DIR/profiles" --keep "$KEEP" --keep-for 0 --max-disk 0 >"$DIR/watch.log" 2>&1 || true
read -r user sys rss < <(tail -1 "$DIR/time.out")
stop_line=$(grep "watch: stop" "$DIR/watch.log" | tail -1 || true)
ok=$(sed -n 's/.*stopped: \([0-9]*\) captures.*/\1/p' <<<"$stop_line")
failed=$(sed -n 's/.* \([0-9]*\) failed.*/\1/p' <<<"$stop_line")
late=$(sed -n 's/.* \([0-9]*\) late.*/\1/p' <<<"$stop_line")
missed=$(sed -n 's/.* \([0-9]*\) missed.*/\1/p' <<<"$stop_line")
every_s=$(awk -v e="$EVERY" 'BEGIN { v = e + 0; if (e ~ /ms$/) v /= 1000; else if (e ~ /m$/) v *= 60; print v }')
expected=$(awk -v t="$TARGETS" -v s="$SECONDS_RUN" -v e="$every_s" 'BEGIN { printf "%d", t * 2 * int(s / e) }')
files=$(find "$DIR/profiles" -type f | wc -l)
disk=$(du -sk "$DIR/profiles" | cut -f1)
awk -v u="$user" -v s="$sys" -v r="$rss" -v secs="$SECONDS_RUN" -v t="$TARGETS" -v ok="$ok" -v slots="$expected" \
  -v f="$failed" -v l="$late" -v m="$missed" -v files="$files" -v disk="$disk" -v every="$EVERY" -v cores="$(nproc)" -v fs="$FSTYPE on $(dirname "$DIR")" -v keep="$KEEP" 'BEGIN {
  printf "watch: %d targets, heap+goroutine every %s for %d s on %d cores, --keep %d\n", t, every, secs, cores, keep
  printf "  CPU: %.2f s user + %.2f s system = %.2f%% of one core\n", u, s, (u + s) / secs * 100
  printf "  peak RSS: %.1f MB\n", r / 1024
  printf "  captures: %d made (about %d slots in the run), %d failed, %d late, %d missed\n", ok, slots, f, l, m
  printf "  disk: %d files, %.1f MB (%s)\n", files, disk / 1024, fs }'
if [ "${failed:-0}" -gt 0 ]; then
  echo "  failures, by reason (the first 3):"
  grep -E "capture svc[0-9]+: (heap|goroutine): " "$DIR/watch.log" | grep -v " bytes, " |
    sed -E 's/.*capture svc[0-9]+: //; s/127\.0\.0\.1:[0-9]+/ADDR/g' | sort | uniq -c | sort -rn | head -3
fi
