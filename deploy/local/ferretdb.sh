#!/usr/bin/env bash
# Local MongoDB-protocol store for the IMEI registry: FerretDB v1.24.2
# (embedded in our own Go main, deploy/local/ferretdb/) on SQLite by default,
# or on a private PostgreSQL instance. Loopback only. Idempotent.
#
# Usage: deploy/local/ferretdb.sh install|start|stop|restart|status|clean|uri [--postgresql|--sqlite]
#
# Environment:
#   IMEI_STACK_DIR          state dir (default <repo>/.local)
#   FERRETDB_PORT           MongoDB port on 127.0.0.1 (default 27017)
#   FERRETDB_BACKEND        sqlite | postgresql (default sqlite; --postgresql/--sqlite override)
#   FERRETDB_LOG_LEVEL      FerretDB log level (default error; warn dumps every error reply)
#   FERRETDB_START_TIMEOUT  seconds to wait for a healthy ping (default 60)
#   FERRETDB_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (default 15)
#   FERRETDB_SQLITE_SYNC    SQLite PRAGMA synchronous: normal (default) | full (fsync each commit)
#   FERRETDB_NO_PATCH       1 = build FerretDB without deploy/local/ferretdb/patches (to reproduce bugs)
#   PG_PORT                 PostgreSQL port on 127.0.0.1 (default 5433)
#
# Layout under $IMEI_STACK_DIR:
#   ferretdb/bin/ferretdb-local (+ .stamp)  ferretdb/data/ (SQLite)  ferretdb/build/ (patched source)
#   ferretdb/run/ferretdb.pid               ferretdb/logs/ferretdb.log
#   postgres/data/  postgres/run/ (socket)  postgres/logs/postgres.log
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/../.." && pwd)"
SRC_DIR="$SCRIPT_DIR/ferretdb"

STATE_DIR="${IMEI_STACK_DIR:-$REPO_DIR/.local}"
FD_DIR="$STATE_DIR/ferretdb"
BIN="$FD_DIR/bin/ferretdb-local"
STAMP="$BIN.stamp"
BUILD_DIR="$FD_DIR/build"
NO_PATCH="${FERRETDB_NO_PATCH:-0}"
DATA_DIR="$FD_DIR/data"
RUN_DIR="$FD_DIR/run"
PID_FILE="$RUN_DIR/ferretdb.pid"
LOG_DIR="$FD_DIR/logs"
LOG_FILE="$LOG_DIR/ferretdb.log"

HOST=127.0.0.1
PORT="${FERRETDB_PORT:-27017}"
LOG_LEVEL="${FERRETDB_LOG_LEVEL:-error}"
START_TIMEOUT="${FERRETDB_START_TIMEOUT:-60}"
STOP_TIMEOUT="${FERRETDB_STOP_TIMEOUT:-15}"
BACKEND="${FERRETDB_BACKEND:-sqlite}"

PG_DIR="$STATE_DIR/postgres"
PG_DATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/run"
PG_LOG="$PG_DIR/logs/postgres.log"
PG_PORT="${PG_PORT:-5433}"
PG_USER=postgres # OS user that owns and runs the cluster
PG_DB=ferretdb   # database and role FerretDB uses

log() { printf '[ferretdb] %s\n' "$*" >&2; }
die() {
  printf '[ferretdb] ERROR: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------- build ----

find_go() {
  if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 || die "go not found (need Go >= 1.24 to build FerretDB)"
}

src_hash() {
  {
    cat "$SRC_DIR/main.go" "$SRC_DIR/go.mod" "$SRC_DIR/go.sum"
    [[ "$NO_PATCH" == 1 ]] || cat "$SRC_DIR"/patches/*.patch
    echo "no_patch=$NO_PATCH"
  } | sha256sum | cut -d' ' -f1
}

# Copy FerretDB's module source out of the module cache, apply our patches
# (deploy/local/ferretdb/patches/, see README.md there) and point a go.work
# replace at it, so the build uses the patched copy. Prints the go.work path.
prepare_patched_source() {
  local moddir work="$BUILD_DIR/FerretDB" p
  moddir="$(cd "$SRC_DIR" && GOWORK=off go mod download -json github.com/FerretDB/FerretDB |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$moddir" && -f "$moddir/go.mod" ]] || die "could not locate FerretDB module source (go mod download)"
  rm -rf "$work"
  mkdir -p "$BUILD_DIR"
  cp -R "$moddir" "$work"
  chmod -R u+w "$work"
  for p in "$SRC_DIR"/patches/*.patch; do
    [[ -e "$p" ]] || continue
    log "applying $(basename "$p")"
    if command -v patch >/dev/null 2>&1; then
      patch -s -p1 -d "$work" --forward <"$p" >&2 || die "patch $p failed"
    else
      (cd "$work" && git init -q && git apply -p1 "$p") >&2 || die "git apply $p failed"
    fi
  done
  cat >"$BUILD_DIR/go.work" <<EOF
go 1.24

use $SRC_DIR

replace github.com/FerretDB/FerretDB v1.24.2 => $work
EOF
  echo "$BUILD_DIR/go.work"
}

cmd_install() {
  local want
  want="$(src_hash)"
  if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
    log "binary up to date: $BIN"
    return 0
  fi
  find_go
  mkdir -p "$(dirname "$BIN")"
  log "building $BIN with $(go version | cut -d' ' -f3) (first build downloads modules; ~1 min)"
  local t0=$SECONDS gowork=off
  # GOTOOLCHAIN=local: never try to download a toolchain (no network for it here).
  # -mod=readonly: go.sum is committed; fail rather than silently resolve anew.
  export GOTOOLCHAIN=local GOFLAGS=-mod=readonly
  if [[ "$NO_PATCH" != 1 ]]; then
    gowork="$(prepare_patched_source)"
  else
    log "FERRETDB_NO_PATCH=1: building unpatched FerretDB"
  fi
  (cd "$SRC_DIR" &&
    GOWORK="$gowork" CGO_ENABLED=0 go build -buildvcs=false -trimpath -o "$BIN.tmp" .)
  mv -f "$BIN.tmp" "$BIN"
  echo "$want" >"$STAMP"
  log "built in $((SECONDS - t0))s"
}

# ------------------------------------------------------------ processes ----

# pid of our running FerretDB, or nothing. Falls back to scanning /proc for the
# ferretdb-local of this state dir and port, so stop still works if the pid file
# was deleted under it.
fd_pid() {
  local pid p cmd
  if [[ -f "$PID_FILE" ]]; then
    pid="$(tr -dc '0-9' <"$PID_FILE")"
    # guard against a recycled pid
    if [[ -n "$pid" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q ferretdb-local; then
      echo "$pid"
      return 0
    fi
  fi
  for p in /proc/[0-9]*; do
    cmd="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" || continue
    if [[ "$cmd" == *ferretdb-local* && "$cmd" == *"-listen $HOST:$PORT "* && "$cmd" == *"-pid-file $PID_FILE "* ]]; then
      echo "${p#/proc/}"
      return 0
    fi
  done
  return 1
}

# backend of a running FerretDB (from its command line)
fd_backend() {
  if tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q -- '-handler postgresql'; then
    echo postgresql
  else
    echo sqlite
  fi
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

healthy() { [[ -x "$BIN" ]] && "$BIN" -healthcheck -listen "$HOST:$PORT" -healthcheck-timeout 2s >/dev/null 2>&1; }

wait_gone() { # pid timeout_seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# ------------------------------------------------------------ postgres -----

pg_bindir() {
  local d
  d="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  [[ -n "$d" && -x "$d/initdb" ]] && echo "$d"
}

as_pg() { runuser -u "$PG_USER" -- "$@"; }

pg_install() {
  pg_bindir >/dev/null && return 0
  [[ $EUID -eq 0 ]] || die "PostgreSQL is not installed; run as root or apt-get install postgresql"
  log "installing PostgreSQL from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  pg_bindir >/dev/null || die "apt-get install postgresql did not provide /usr/lib/postgresql/*/bin/initdb"
}

pg_running() {
  local bindir
  bindir="$(pg_bindir)" || return 1
  [[ -f "$PG_DATA/PG_VERSION" ]] || return 1
  as_pg "$bindir/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

pg_start() {
  pg_install
  local bindir
  bindir="$(pg_bindir)"
  id "$PG_USER" >/dev/null 2>&1 || die "OS user $PG_USER missing (normally created by the postgresql package)"
  mkdir -p "$PG_DATA" "$PG_SOCK" "$(dirname "$PG_LOG")"
  chown -R "$PG_USER:" "$PG_DIR"
  chmod 700 "$PG_DATA"
  as_pg test -w "$PG_DATA" ||
    die "user $PG_USER cannot reach $PG_DATA (a parent dir is not traversable); set IMEI_STACK_DIR elsewhere"

  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "initdb $PG_DATA"
    as_pg "$bindir/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
    cat >>"$PG_DATA/postgresql.conf" <<EOF

# imei-registry local stack (deploy/local/ferretdb.sh)
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi

  if pg_running; then
    log "postgres already running on $HOST:$PG_PORT"
  else
    port_open "$HOST" "$PG_PORT" && die "port $HOST:$PG_PORT is taken by another process (set PG_PORT)"
    log "starting postgres on $HOST:$PG_PORT"
    as_pg "$bindir/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
      -o "-p $PG_PORT -k $PG_SOCK -h $HOST" start >/dev/null ||
      {
        tail -n 30 "$PG_LOG" >&2 || true
        die "postgres did not start (log: $PG_LOG)"
      }
  fi

  local psql=("$bindir/psql" -h "$HOST" -p "$PG_PORT" -U postgres -d postgres -qtAX -v ON_ERROR_STOP=1)
  if [[ "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_DB'")" != 1 ]]; then
    as_pg "${psql[@]}" -c "CREATE ROLE $PG_DB LOGIN" >/dev/null
  fi
  if [[ "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]]; then
    log "creating database $PG_DB"
    as_pg "${psql[@]}" -c "CREATE DATABASE $PG_DB OWNER $PG_DB" >/dev/null
  fi
}

pg_stop() {
  local bindir
  bindir="$(pg_bindir)" || return 0
  if pg_running; then
    log "stopping postgres"
    as_pg "$bindir/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null ||
      as_pg "$bindir/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null || true
  fi
}

pg_url() { echo "postgres://$PG_DB@$HOST:$PG_PORT/$PG_DB"; }

# ------------------------------------------------------------ commands -----

cmd_start() {
  case "$BACKEND" in sqlite | postgresql) ;; *) die "FERRETDB_BACKEND must be sqlite or postgresql, got '$BACKEND'" ;; esac

  local pid
  if pid="$(fd_pid)"; then
    local running
    running="$(fd_backend "$pid")"
    if [[ "$running" != "$BACKEND" ]]; then
      die "already running (pid $pid) with backend '$running'; run '$0 stop' first to switch to '$BACKEND'"
    fi
    [[ "$BACKEND" == postgresql ]] && { pg_running || die "FerretDB runs but its postgres is down; run '$0 restart --postgresql'"; }
    log "already running (pid $pid, backend $running) at mongodb://$HOST:$PORT/"
    return 0
  fi
  rm -f "$PID_FILE"

  cmd_install
  port_open "$HOST" "$PORT" && die "port $HOST:$PORT is taken by another process (set FERRETDB_PORT)"

  local args=(-listen "$HOST:$PORT" -log-level "$LOG_LEVEL" -pid-file "$PID_FILE")
  if [[ "$BACKEND" == postgresql ]]; then
    pg_start
    args+=(-handler postgresql -postgresql-url "$(pg_url)")
  else
    mkdir -p "$DATA_DIR"
    args+=(-handler sqlite -sqlite-dir "$DATA_DIR" -sqlite-synchronous "${FERRETDB_SQLITE_SYNC:-normal}")
  fi

  mkdir -p "$RUN_DIR" "$LOG_DIR"
  log "starting FerretDB ($BACKEND) on $HOST:$PORT, log $LOG_FILE"
  printf '\n=== %s start backend=%s port=%s\n' "$(date -Is)" "$BACKEND" "$PORT" >>"$LOG_FILE"
  # setsid: own session, so the server outlives this script and its caller's process group.
  setsid nohup "$BIN" "${args[@]}" >>"$LOG_FILE" 2>&1 </dev/null &
  local launched=$! t0=$SECONDS

  while ((SECONDS - t0 < START_TIMEOUT)); do
    if healthy; then
      pid="$(fd_pid || echo "$launched")"
      log "healthy (pid $pid) after $((SECONDS - t0))s: mongodb://$HOST:$PORT/"
      return 0
    fi
    if ! kill -0 "$launched" 2>/dev/null; then
      tail -n 30 "$LOG_FILE" >&2 || true
      die "FerretDB exited during start-up (log: $LOG_FILE)"
    fi
    sleep 0.2
  done
  tail -n 30 "$LOG_FILE" >&2 || true
  kill -TERM "$launched" 2>/dev/null || true
  die "FerretDB not healthy within ${START_TIMEOUT}s (log: $LOG_FILE)"
}

cmd_stop() {
  local pid
  if pid="$(fd_pid)"; then
    log "stopping FerretDB (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
      log "no exit after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 5 || die "pid $pid survived SIGKILL"
    fi
  else
    log "FerretDB not running"
  fi
  rm -f "$PID_FILE"
  pg_stop
}

cmd_status() {
  local pid backend
  if pid="$(fd_pid)"; then
    backend="$(fd_backend "$pid")"
    if healthy; then
      echo "ferretdb: running (pid $pid, backend $backend) mongodb://$HOST:$PORT/"
      if [[ "$backend" == postgresql ]]; then
        if pg_running; then echo "postgres: running $(pg_url)"; else echo "postgres: NOT running"; return 1; fi
      fi
      return 0
    fi
    echo "ferretdb: process $pid alive but not answering ping on $HOST:$PORT"
    return 1
  fi
  echo "ferretdb: not running"
  pg_running && echo "postgres: running on $HOST:$PG_PORT (without FerretDB)"
  return 1
}

cmd_clean() {
  cmd_stop
  log "deleting data: $DATA_DIR $PG_DIR (binary kept)"
  rm -rf "$DATA_DIR" "$RUN_DIR" "$PG_DIR"
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  local a
  for a in "$@"; do
    case "$a" in
      --postgresql | --postgres) BACKEND=postgresql ;;
      --sqlite) BACKEND=sqlite ;;
      *) die "unknown option '$a'" ;;
    esac
  done
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop && cmd_start ;;
    status) cmd_status ;;
    clean) cmd_clean ;;
    uri) echo "mongodb://$HOST:$PORT/" ;;
    *)
      sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
