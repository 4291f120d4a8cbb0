#!/usr/bin/env bash
# The guide's profile.sh, now `ncprof capture`. Capture profiles: ./scripts/profile.sh --all --type heap, --type cpu --duration 60
# Every argument goes to ncprof as is; so does its exit code.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ncprof-wrapper.sh"
ncprof_exec capture "$@"
