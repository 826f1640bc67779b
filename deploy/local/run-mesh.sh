#!/usr/bin/env bash
# `npm start`: the main job on a fresh machine. Installs what is missing, brings the local stack up
# (Kafka + FerretDB on loopback), starts the four services as processes and runs the demo flow.
# Ctrl-C stops the services (the stack keeps running; `npm run stack:down` stops it).
# When the trace UI runs (IMEI_TRACING=1, or `bash deploy/local/zipkin.sh start`), the services export
# their spans to it (OTEL_* variables already set win).
#   run-mesh.sh            start, demo, then follow the services until Ctrl-C
#   run-mesh.sh --detach   start and demo, leave the services running (stop: run-mesh.sh --stop)
#   run-mesh.sh --stop     stop services started with --detach
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
state=${IMEI_STACK_DIR:-$root/.local}
services=(intake device-grouping list-state operator-notifier)
cd "$root"

stop_services() {
  for s in "${services[@]}"; do
    pidfile="$state/run/$s.pid"
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; fi
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    rm -f "$pidfile"
  done
  echo "mesh: services stopped"
}

if [ "${1:-}" = "--stop" ]; then stop_services; exit 0; fi

bash deploy/local/stack.sh up
export PATH="$root/node_modules/.bin:$PATH"
mkdir -p "$state/run" "$state/logs"
stop_services >/dev/null
if bash deploy/local/zipkin.sh status 2>/dev/null; then
  export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-zipkin}"
  export OTEL_EXPORTER_ZIPKIN_ENDPOINT="${OTEL_EXPORTER_ZIPKIN_ENDPOINT:-http://127.0.0.1:${ZIPKIN_PORT:-9411}/api/v2/spans}"
  echo "mesh: tracing to Zipkin (traces: http://127.0.0.1:${ZIPKIN_PORT:-9411}/zipkin/ ; a log line's trace_id opens /zipkin/traces/<trace_id>)"
fi
for s in "${services[@]}"; do
  # A service's own node flags (V8 heap sizing) live in its package.json, `config.nodeFlags`.
  read -r -a flags <<<"$(node -p "require('./services/$s/package.json').config?.nodeFlags ?? ''")"
  OTEL_SERVICE_NAME="$s" node "${flags[@]}" --require @imei/tracing/register "services/$s/dist/main.js" >>"$state/logs/$s.log" 2>&1 &
  echo $! > "$state/run/$s.pid"
  echo "mesh: started $s (pid $!, log $state/logs/$s.log)"
done
if ! node test/dist/demo/demo-flow.js; then
  echo "mesh: demo failed; last log lines:" >&2
  for s in "${services[@]}"; do echo "--- $s" >&2; tail -n 20 "$state/logs/$s.log" >&2; done
  stop_services
  exit 1
fi
if [ "${1:-}" = "--detach" ]; then
  echo "mesh: running in the background; stop with: bash deploy/local/run-mesh.sh --stop"
  exit 0
fi
trap 'stop_services; exit 0' INT TERM
echo "mesh: following service logs (Ctrl-C stops the services)"
tail -n 0 -F $(printf "$state/logs/%s.log " "${services[@]}") --pid=$$ 2>/dev/null | sed 's/^/  /' &
wait
