#!/usr/bin/env bash
# The guide's compare-heap.sh, now `ncprof compare-heap`. Heap now and after an interval, with a verdict: ./scripts/compare-heap.sh crawler 6060 --interval 1800
# Every argument goes to ncprof as is; so does its exit code.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ncprof-wrapper.sh"
ncprof_exec compare-heap "$@"
