# Sourced by the guide's scripts (profile.sh, compare-heap.sh,
# check-memory-leaks.sh, run-benchmarks.sh): finds the ncprof binary and
# runs it in place of the script, so old jobs keep their command lines and
# get ncprof's exit codes (0 ok, 1 finding, 2 usage, 3 targets).
# NCPROF=/path/to/ncprof overrides; else ncprof on PATH; else this
# repository's build/apps/ncprof.
ncprof_exec() {
  local bin=${NCPROF:-}
  if [[ -z $bin ]]; then
    if command -v ncprof >/dev/null 2>&1; then
      bin=$(command -v ncprof)
    else
      bin="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/apps/ncprof"
    fi
  fi
  if [[ ! -x $bin ]]; then
    echo "$(basename "$0"): ncprof not found (on PATH, in build/, or NCPROF=...); build it with scripts/setup.sh" >&2
    exit 2
  fi
  exec "$bin" "$@"
}
