#!/usr/bin/env bash
# The README's main-job command: set up and build, start a demo fleet of Go
# services on North Cloud's ports, then do what the profiling guide does,
# with ncprof: capture heap and CPU profiles of every service at once, read
# their memory health, and show the top of one capture. Stops the fleet.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
scripts/setup.sh
source scripts/fleet.sh
export GOSERVICE=$ROOT/build/goservice

NCPROF=$ROOT/build/apps/ncprof
DEMO=$ROOT/build/demo
rm -rf "$DEMO" && mkdir -p "$DEMO"
cd "$DEMO"

echo "== starting the demo fleet: 7 Go services on ports 6060-6066"
fleet_start 127.0.0.1 || exit $?
trap fleet_stop EXIT
sleep 2  # let them run a little, so the profiles have something in them

step() { echo; echo "\$ $*"; "$@"; }
step "$NCPROF" capture --all --type heap
step "$NCPROF" capture --all --type cpu --duration 5
step "$NCPROF" health --all
cpu=$(ls profiles/crawler_cpu_*.pb.gz | head -1)
step "$NCPROF" top "$cpu" --nodecount 15
heap=$(ls profiles/publisher-api_heap_*.pb.gz | head -1)
step "$NCPROF" top "$heap" --sample-index alloc_space --nodecount 10

echo
echo "== the profiles are in $DEMO/profiles:"
ls -l "$DEMO/profiles"
echo "(open one with: $NCPROF top FILE, or go tool pprof FILE)"
