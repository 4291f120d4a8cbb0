#!/usr/bin/env bash
# The guide's run-benchmarks.sh, now `ncprof bench --all`: every configured
# service with a benchmark directory (bench: in the config); the others are
# listed as skipped. ./scripts/run-benchmarks.sh [--baseline | --compare]
# Every other argument goes to ncprof as is; so does its exit code.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ncprof-wrapper.sh"
ncprof_exec bench --all "$@"
