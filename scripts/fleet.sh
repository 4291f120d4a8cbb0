#!/usr/bin/env bash
# Starts the Go fixture service as North Cloud's seven services on their
# ports (pprof 6060-6066, app ports for /health/memory), in the background.
#   source scripts/fleet.sh; fleet_start [HOST]; ...; fleet_stop
# Needs build/goservice (scripts/setup.sh builds it).

FLEET_PIDS=()

# name pprof-port app-port(0: none) extra-args...
FLEET_SERVICES=(
  "crawler 6060 8060 -burn-cpu 0.4 -churn 2000000"
  "source-manager 6061 8050 -churn 500000"
  "classifier 6062 8071 -burn-cpu 0.3"
  "publisher-api 6063 8070 -leak-heap 200000"
  "publisher-router 6064 0 -leak-goroutines 2"
  "auth 6065 8040"
  "search 6066 8092 -burn-cpu 0.2"
)

port_taken() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Fails (exit 2) naming the first port of the fleet that something already
# listens on: checked before anything is built or started.
fleet_check_ports() {
  local host=${1:-127.0.0.1} spec name pprof app extra port
  for spec in "${FLEET_SERVICES[@]}"; do
    read -r name pprof app extra <<<"$spec"
    for port in $pprof $app; do
      [ "$port" = 0 ] && continue
      if port_taken "$host" "$port"; then
        echo "fleet: port $port (for $name) is taken: stop whatever listens there and try again" >&2
        return 2
      fi
    done
  done
}

fleet_start() {
  local host=${1:-127.0.0.1} bin=${GOSERVICE:-build/goservice}
  [ -x "$bin" ] || { echo "fleet: $bin is missing (run scripts/setup.sh)" >&2; return 2; }
  fleet_check_ports "$host" || return $?
  local spec name pprof app extra
  for spec in "${FLEET_SERVICES[@]}"; do
    read -r name pprof app extra <<<"$spec"
    local args=(-name "$name" -pprof "$host:$pprof")
    [ "$app" = 0 ] || args+=(-app "$host:$app")
    # shellcheck disable=SC2086
    "$bin" "${args[@]}" $extra >/dev/null 2>&1 &
    FLEET_PIDS+=($!)
  done
  for spec in "${FLEET_SERVICES[@]}"; do
    read -r name pprof app extra <<<"$spec"
    for _ in $(seq 100); do port_taken "$host" "$pprof" && break; sleep 0.1; done
    port_taken "$host" "$pprof" || { echo "fleet: $name did not start on $pprof" >&2; fleet_stop; return 2; }
  done
}

fleet_stop() {
  local pid
  for pid in "${FLEET_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${FLEET_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  FLEET_PIDS=()
}
