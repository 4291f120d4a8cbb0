#!/usr/bin/env bash
# The README's test command: set up, build, and run every test (unit,
# end-to-end against real Go services, conformance with go tool pprof).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600
