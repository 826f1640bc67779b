#!/usr/bin/env bash
# Local trace store with a web UI: Zipkin's server exec jar from Maven Central (deploy/local/zipkin/pom.xml),
# in-memory storage, on loopback only. The services export to it when started with
# OTEL_TRACES_EXPORTER=zipkin (run-mesh.sh does so while it runs).
#
#   zipkin.sh install | start | stop | status
#
# UI http://127.0.0.1:${ZIPKIN_PORT:-9411}/zipkin/ ; API /api/v2/trace/{traceId}; spans POST /api/v2/spans.
# State: ${IMEI_STACK_DIR:-<repo>/.local}/{zipkin/,logs/zipkin.log,run/zipkin.pid}.
# Env: ZIPKIN_PORT (9411), ZIPKIN_HEAP_OPTS (-Xms64m -Xmx512m), ZIPKIN_START_TIMEOUT (90 s),
#      ZIPKIN_MAX_SPANS (in-memory span limit, 500000).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONF="$HERE/zipkin"
STATE="${IMEI_STACK_DIR:-$HERE/../../.local}"
mkdir -p "$STATE/logs" "$STATE/run"
STATE="$(cd "$STATE" && pwd)"
ZDIR="$STATE/zipkin"
JAR="$ZDIR/zipkin-server-exec.jar"
LOG="$STATE/logs/zipkin.log"
PIDFILE="$STATE/run/zipkin.pid"
PORT="${ZIPKIN_PORT:-9411}"
START_TIMEOUT="${ZIPKIN_START_TIMEOUT:-90}"

say() { echo "zipkin.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

pid_of_running() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null)" && [[ -n $pid ]] || return 1
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "-jar $JAR" || return 1
  echo "$pid"
}

healthy() { curl -fsS "http://127.0.0.1:$PORT/health" 2>/dev/null | grep -q '"UP"'; }

cmd_install() {
  local hash out
  hash="$(sha256sum "$CONF/pom.xml" | cut -d' ' -f1)"
  [[ -f $JAR && "$(cat "$ZDIR/.pom-sha256" 2>/dev/null)" == "$hash" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  command -v java >/dev/null || die "java 17+ not found (apt-get install openjdk-17-jre-headless)"
  say "resolving the Zipkin server jar with Maven into $ZDIR ..."
  mkdir -p "$ZDIR"
  out="$(mvn -q -B -f "$CONF/pom.xml" dependency:copy -DoutputDirectory="$ZDIR.tmp" 2>&1)" ||
    { echo "$out" >&2; rm -rf "$ZDIR.tmp"; die "Maven could not resolve io.zipkin:zipkin-server:exec"; }
  mv -f "$ZDIR.tmp/zipkin-server-exec.jar" "$JAR" && rm -rf "$ZDIR.tmp"
  echo "$hash" >"$ZDIR/.pom-sha256"
  say "installed $(du -h "$JAR" | cut -f1) $JAR"
}

cmd_start() {
  local pid t0=$SECONDS
  if pid="$(pid_of_running)"; then say "already running (pid $pid)"; return 0; fi
  cmd_install
  ! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || die "127.0.0.1:$PORT is taken by another process (set ZIPKIN_PORT)"
  # setsid+nohup: outlives this shell; 9>&-: must not hold a caller's lock.
  # shellcheck disable=SC2086
  STORAGE_TYPE=mem MEM_MAX_SPANS="${ZIPKIN_MAX_SPANS:-500000}" QUERY_PORT="$PORT" \
    setsid nohup java ${ZIPKIN_HEAP_OPTS:--Xms64m -Xmx512m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -jar "$JAR" --server.address=127.0.0.1 --armeria.ports[0].ip=127.0.0.1 --armeria.ports[0].port="$PORT" \
    --armeria.ports[0].protocols=http >"$LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  until healthy; do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$LOG" >&2; rm -f "$PIDFILE"; die "zipkin exited"; }
    ((SECONDS - t0 < START_TIMEOUT)) || { tail -n 20 "$LOG" >&2; cmd_stop; die "not healthy after ${START_TIMEOUT}s"; }
    sleep 0.5
  done
  say "running (pid $pid), UI http://127.0.0.1:$PORT/zipkin/ , ready in $((SECONDS - t0))s"
}

cmd_stop() {
  local pid
  if ! pid="$(pid_of_running)"; then rm -f "$PIDFILE"; say "not running"; return 0; fi
  kill -TERM "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  pid="$(pid_of_running)" || { say "not running"; return 1; }
  healthy || { say "pid $pid runs but http://127.0.0.1:$PORT/health is not UP"; return 1; }
  say "running (pid $pid), UI http://127.0.0.1:$PORT/zipkin/"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
