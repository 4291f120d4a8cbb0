#!/usr/bin/env bash
# The README's main-job command: set up and build, start a demo fleet of Go
# services on North Cloud's ports, then do what the profiling guide does,
# with ncprof: capture heap and CPU profiles of every service at once, read
# their memory health, show the top of one capture, and hunt the leaks two
# of the services have (publisher-api keeps 200 KB/s of heap, publisher-
# router strands 2 goroutines/s). Stops the fleet.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/fleet.sh
# The ports first: a taken port is found in a second, not after a build.
fleet_check_ports 127.0.0.1 || exit $?
echo "== setting up: Debian packages, then building ncprof and the Go fixture service"
scripts/setup.sh --only ncprof goservice
export GOSERVICE=$ROOT/build/goservice

NCPROF=$ROOT/build/apps/ncprof
DEMO=$ROOT/build/demo
rm -rf "$DEMO" && mkdir -p "$DEMO"
cd "$DEMO"

echo "== starting the demo fleet: 7 Go services on ports 6060-6066"
fleet_start 127.0.0.1 || exit $?
trap fleet_stop EXIT
sleep 2  # let them run a little, so the profiles have something in them

# Shows each command as a user would type it, and its exit code when it is
# not 0 (a LEAK or a FAIL is the point of the leak steps, not an error).
step() {
  echo; echo "\$ ncprof ${*:2}"
  local rc=0
  "$@" || rc=$?
  [ "$rc" = 0 ] || echo "(exit $rc)"
}
step "$NCPROF" capture --all --type heap
step "$NCPROF" capture --all --type cpu --duration 5
step "$NCPROF" health --all
cpu=$(ls profiles/crawler_cpu_*.pb.gz | head -1)
step "$NCPROF" top "$cpu" --nodecount 15
heap=$(ls profiles/publisher-api_heap_*.pb.gz | head -1)
step "$NCPROF" top "$heap" --sample-index alloc_space --nodecount 10

echo
echo "== hunting leaks: a trend over 10 samples, then a heap comparison"
step "$NCPROF" leak-check publisher-api publisher-router auth --interval 1s --count 10 --warmup 1
step "$NCPROF" compare-heap publisher-api auth --interval 10

echo
echo "== the profiles are in $DEMO/profiles:"
ls -l "$DEMO/profiles"
echo "(open one with: $NCPROF top FILE, or go tool pprof FILE)"
