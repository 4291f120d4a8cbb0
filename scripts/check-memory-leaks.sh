#!/usr/bin/env bash
# The guide's check-memory-leaks.sh, now `ncprof leak-check`. Trend of heap and goroutines, a verdict per service: ./scripts/check-memory-leaks.sh crawler 6060
# Every argument goes to ncprof as is; so does its exit code.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ncprof-wrapper.sh"
ncprof_exec leak-check "$@"
