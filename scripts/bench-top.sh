#!/usr/bin/env bash
# Speed and memory of `ncprof top` beside `go tool pprof -top` on the same
# synthetic profiles (written by ncprof's own encoder), with `gzip -dc` as
# the floor, then of the difference of two such profiles (`top --diff-base`
# beside `-top -diff_base`; the floor is inflating both), unrelated and two
# captures of one program, with the cost of two inputs against one, then of the HTML
# report (`ncprof report`: time, memory, file size, and the first render,
# hover and zoom times the page records in headless Chromium, beside
# pprof -top's time).
# Prints wall time and peak memory of each and the ratios.
#   scripts/bench-top.sh [--quick]   (--quick: the 100k profile only; the
#                                     full run adds 500k, and 1M for ncprof)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
NCPROF=build/apps/ncprof
SYNTH=build/apps/ncprof_synth
DIR=build/bench
mkdir -p "$DIR"

sizes=("100000 10000 20000")
[ "${1:-}" = "--quick" ] || sizes+=("500000 20000 40000")

# measure NAME CMD...: prints "seconds kilobytes" of the best of 3 runs (1 for go).
measure() {
  local runs=$1; shift
  local best_t="" best_m=""
  for ((i = 0; i < runs; i++)); do
    local out
    /usr/bin/time -f "%e %M" -o "$DIR/time.out" "$@" >/dev/null 2>&1
    out=$(tail -1 "$DIR/time.out")
    local t=${out% *} m=${out#* }
    if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; best_m=$m; fi
  done
  echo "$best_t $best_m"
}

# report_row FILE PPROF_SECONDS: the report of FILE, its size, the page's
# first render in headless Chromium (data-render-ms on <body>), and the
# latency of 200 hovers and 200 zooms that the page measures itself when
# loaded with #bench=200 (medians and maxima, data-hover-ms, data-zoom-ms).
report_row() {
  local html="$DIR/report.html"
  read -r rt rm <<<"$(measure 1 "$NCPROF" report "$1" -o "$html")"
  local size body
  size=$(stat -c %s "$html")
  body=$(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --window-size=1300,900 --user-data-dir="$DIR/chromium" \
    --dump-dom "file://$PWD/$html#bench=200" 2>/dev/null | grep -o '<body[^>]*>' | head -1 || true)
  attr() { grep -o "$1=\"[0-9.]*\"" <<<"$body" | grep -o '[0-9.]*' || echo "?"; }
  awk -v rt="$rt" -v rm="$rm" -v gt="$2" -v size="$size" -v render="$(attr data-render-ms)" \
    -v hover="$(attr data-hover-ms)" -v hmax="$(attr data-hover-max-ms)" -v zoom="$(attr data-zoom-ms)" \
    -v zmax="$(attr data-zoom-max-ms)" 'BEGIN {
    printf "  report: %.2f s, %.0f MB, file %.1f MB%s\n", rt, rm/1024, size/1048576,
      (gt != "" ? sprintf(", %.1fx faster than pprof -top", gt/rt) : "")
    printf "  page in Chromium: first render %s ms; hover %s ms (max %s), zoom %s ms (max %s) over 200 each\n",
      render, hover, hmax, zoom, zmax }'
}

printf '%-28s %10s %10s %10s %10s %10s %10s %9s %9s %9s\n' profile "ncprof s" "ncprof MB" "pprof s" "pprof MB" "gzip s" \
  "speedup" "mem ratio" "x floor"
for spec in "${sizes[@]}"; do
  read -r samples funcs locs <<<"$spec"
  file="$DIR/synth_${samples}.pb.gz"
  [ -f "$file" ] || "$SYNTH" "$file" "$samples" "$funcs" "$locs"
  read -r nt nm <<<"$(measure 3 "$NCPROF" top "$file")"
  read -r gt gm <<<"$(measure 1 go tool pprof -top "$file")"
  read -r zt zm <<<"$(measure 3 sh -c "gzip -dc '$file' >/dev/null")"
  row() {
    awk -v name="$1" -v nt="$2" -v nm="$3" -v gt="$4" -v gm="$5" -v zt="$6" 'BEGIN {
      printf "%-28s %10.2f %10.0f %10.2f %10.0f %10.2f %9.1fx %9.1fx %8.1fx\n", name, nt, nm/1024, gt, gm/1024, zt,
        gt/nt, gm/nm, nt/(zt > 0 ? zt : 0.01) }'
  }
  row "$samples samples/$funcs funcs" "$nt" "$nm" "$gt" "$gm" "$zt"
  # The difference of two profiles of that size (another seed).
  base="$DIR/synth_${samples}_b.pb.gz"
  [ -f "$base" ] || "$SYNTH" "$base" "$samples" "$funcs" "$locs" 7
  read -r dnt dnm <<<"$(measure 3 "$NCPROF" top --diff-base "$base" "$file")"
  read -r dgt dgm <<<"$(measure 1 go tool pprof -top -diff_base="$base" "$file")"
  read -r dzt dzm <<<"$(measure 3 sh -c "gzip -dc '$file' '$base' >/dev/null")"
  row "  diff of two" "$dnt" "$dnm" "$dgt" "$dgm" "$dzt"
  # Two captures of one program (same functions, locations and stacks, other
  # values, one stack in ten new): what a diff of a service looks like.
  after="$DIR/synth_${samples}_after.pb.gz"
  [ -f "$after" ] || "$SYNTH" "$after" "$samples" "$funcs" "$locs" 42 43
  read -r ant anm <<<"$(measure 3 "$NCPROF" top --diff-base "$file" "$after")"
  read -r agt agm <<<"$(measure 1 go tool pprof -top -diff_base="$file" "$after")"
  row "  diff, same program" "$ant" "$anm" "$agt" "$agm" "$dzt"
  # Against one input with the same trimming (a diff keeps most nodes:
  # its values cancel, so few fall under --nodefraction).
  read -r unt unm <<<"$(measure 3 "$NCPROF" top --no-trim "$file")"
  awk -v t1="$unt" -v m1="$unm" -v d="$dnt" -v dm="$dnm" -v a="$ant" -v am="$anm" 'BEGIN {
    printf "  two inputs against one (top --no-trim %.2f s, %.0f MB): diff %.1fx the time, %.1fx the memory; same program %.1fx, %.1fx\n",
      t1, m1/1024, d/t1, dm/m1, a/t1, am/m1 }'
  report_row "$file" "$gt"
done
if [ "${1:-}" != "--quick" ]; then
  file="$DIR/synth_1000000.pb.gz"
  [ -f "$file" ] || "$SYNTH" "$file" 1000000 40000 80000
  read -r nt nm <<<"$(measure 1 "$NCPROF" top "$file")"
  printf '%-28s %10.2f %10.0f %10s %10s\n' "1000000 samples/40000 funcs" "$nt" "$((nm / 1024))" "-" "-"
  report_row "$file" ""
fi
echo "speedup = pprof s / ncprof s; mem ratio = pprof MB / ncprof MB; x floor = ncprof s / gzip -dc s"
