#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, combined broker+controller) for the
# IMEI registry mesh. Jars come from Maven Central via deploy/local/kafka/pom.xml
# (the only download source these machines reach), so no tarball and no Docker.
#
#   kafka.sh install | start | stop | status | clean | add-user NAME PASSWORD
#
# Clients: SASL_PLAINTEXT 127.0.0.1:${KAFKA_PORT:-9092}, SCRAM-SHA-512; users and
# passwords are in deploy/local/kafka/users.sh. Everything binds to 127.0.0.1.
# State: ${IMEI_STACK_DIR:-<repo>/.local}/{kafka/,logs/kafka.log,run/kafka.pid}.
# Env: KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_HEAP_OPTS, KAFKA_OPTS,
#      KAFKA_START_TIMEOUT (90s), KAFKA_STOP_TIMEOUT (30s), KAFKA_<USER>_PASSWORD.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONF="$HERE/kafka"
STATE="${IMEI_STACK_DIR:-$HERE/../../.local}"
mkdir -p "$STATE/logs" "$STATE/run"
STATE="$(cd "$STATE" && pwd)"
KDIR="$STATE/kafka"
LIB="$KDIR/lib"
DATA="$KDIR/data"
PROPS="$KDIR/server.properties"
ADMIN_PROPS="$KDIR/admin.properties"
LOG="$STATE/logs/kafka.log"   # broker log (log4j2, deploy/local/kafka/log4j2.xml)
OUT="$STATE/logs/kafka.out"   # JVM stdout/stderr: only crashes before logging starts
PIDFILE="$STATE/run/kafka.pid"
PORT="${KAFKA_PORT:-9092}"
CPORT="${KAFKA_CONTROLLER_PORT:-9093}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
# A constant id (valid base64 UUID) for this throwaway dev cluster saves a JVM
# launch (`kafka-storage random-uuid`) on first start.
CLUSTER_ID="imeiLocalDevKafka0001w"

# shellcheck source-path=SCRIPTDIR source=kafka/users.sh
source "$CONF/users.sh"

say() { echo "kafka.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# JVM for Kafka's command-line tool classes: small heap, fast start, quiet logs.
TOOL=(java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$CONF/tools-log4j2.xml" -cp "$LIB/*")

# The SCRAM credential syntax ([name=..,password=..]) and JAAS quoting cannot
# carry these characters.
check_password() {
  [[ -n $2 && $2 != *[][,=\"\'\\[:space:]]* ]] ||
    die "password of '$1' is empty or contains one of: , [ ] = \" ' \\ whitespace"
}

# Prints the broker pid if it runs. Checking the command line guards against a
# stale pid file whose pid now belongs to something else.
pid_of_running() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null)" && [[ -n $pid ]] || return 1
  tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $PROPS" || return 1
  echo "$pid"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cmd_install() {
  local hash out
  hash="$(sha256sum "$CONF/pom.xml" | cut -d' ' -f1)"
  # Cache hit (jars resolved from this exact pom): no Maven at all.
  [[ "$(cat "$LIB/.pom-sha256" 2>/dev/null)" == "$hash" ]] && return 0
  if pid_of_running >/dev/null; then die "the broker runs on the old jars; '$0 stop' first"; fi
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  command -v java >/dev/null || die "java 17+ not found (apt-get install openjdk-17-jre-headless)"
  say "resolving Kafka jars with Maven into $LIB ..."
  # Resolve into a temp dir and swap, so an interrupted run never looks complete.
  # Maven's output is shown only on failure (-q still prints stray ANSI codes).
  rm -rf "$LIB.tmp"
  out="$(mvn -q -B -f "$CONF/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIB.tmp" 2>&1)" ||
    { echo "$out" >&2; die "Maven could not resolve the Kafka jars"; }
  echo "$hash" >"$LIB.tmp/.pom-sha256"
  rm -rf "$LIB" && mv "$LIB.tmp" "$LIB"
  say "installed $(find "$LIB" -name '*.jar' | wc -l) jars"
}

jaas_of() {
  echo "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$1\" password=\"$2\";"
}

# Client config used by this script's tools (and handy for manual CLI use).
write_admin_props() {
  (umask 077 && cat >"$ADMIN_PROPS" <<EOF
bootstrap.servers=127.0.0.1:$PORT
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(jaas_of "$KAFKA_ADMIN_USER" "$1")
EOF
  )
}

# Rendered on every start, so port and admin password env changes apply.
write_configs() {
  local pw t
  pw="$(kafka_password "$KAFKA_ADMIN_USER")"
  check_password "$KAFKA_ADMIN_USER" "$pw"
  mkdir -p "$DATA"
  t="$(<"$CONF/server.properties.in")"
  t="${t//@PORT@/"$PORT"}"
  t="${t//@CONTROLLER_PORT@/"$CPORT"}"
  t="${t//@DATA_DIR@/"$DATA"}"
  t="${t//@ADMIN_USER@/"$KAFKA_ADMIN_USER"}"
  t="${t//@ADMIN_JAAS@/"$(jaas_of "$KAFKA_ADMIN_USER" "$pw")"}"
  (umask 077 && printf '%s\n' "$t" >"$PROPS")
  write_admin_props "$pw"
}

# Formats the log dir once (meta.properties marks it). The SCRAM users go into
# the initial metadata log, so they exist before the broker takes any client.
format_storage() {
  [[ -f $DATA/meta.properties ]] && return 0
  local u pw scram=()
  for u in "${KAFKA_USERS[@]}"; do
    pw="$(kafka_password "$u")"
    check_password "$u" "$pw"
    scram+=(--add-scram "SCRAM-SHA-512=[name=$u,password=$pw]")
  done
  say "formatting $DATA (${#KAFKA_USERS[@]} SCRAM users)"
  # --standalone: this node alone forms the (dynamic) KRaft controller quorum.
  "${TOOL[@]}" kafka.tools.StorageTool format --config "$PROPS" --cluster-id "$CLUSTER_ID" \
    --standalone "${scram[@]}" >/dev/null || die "storage format failed"
}

# A failed start leaves nothing running, so `status` and a retry stay simple.
fail_start() {
  say "error: $1; last lines of $LOG and $OUT:"
  tail -n 20 "$LOG" >&2 2>/dev/null || true
  tail -n 10 "$OUT" >&2 2>/dev/null || true
  cmd_stop
  exit 1
}

# Healthy = the broker logged startup AND an authenticated (SCRAM, admin)
# ApiVersions + metadata round trip on the client port succeeds.
wait_healthy() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT)) probe
  until grep -qs 'Kafka Server started' "$LOG"; do
    kill -0 "$pid" 2>/dev/null || fail_start "the broker process exited"
    ((SECONDS < deadline)) || fail_start "not started after ${START_TIMEOUT}s"
    sleep 0.3
  done
  until probe="$(timeout 30 "${TOOL[@]}" org.apache.kafka.tools.BrokerApiVersionsCommand \
      --bootstrap-server "127.0.0.1:$PORT" --command-config "$ADMIN_PROPS" 2>&1)"; do
    if grep -q 'Authentication failed' <<<"$probe"; then
      fail_start "admin login rejected: KAFKA_ADMIN_PASSWORD is not the admin password the broker has (set it, or '$0 clean')"
    fi
    ((SECONDS < deadline)) || { tail -n 5 <<<"$probe" >&2; fail_start "SASL port not answering after ${START_TIMEOUT}s"; }
    sleep 1
  done
}

cmd_start() {
  local pid t0=$SECONDS
  if pid="$(pid_of_running)"; then say "already running (pid $pid)"; return 0; fi
  cmd_install
  ! port_busy "$PORT" || die "127.0.0.1:$PORT is taken by another process (set KAFKA_PORT)"
  ! port_busy "$CPORT" || die "127.0.0.1:$CPORT is taken by another process (set KAFKA_CONTROLLER_PORT)"
  write_configs
  format_storage
  # One log file per run (the previous one is kept as .prev), so the health
  # check only ever sees this run's "started" line.
  if [[ -f $LOG ]]; then mv -f "$LOG" "$LOG.prev"; fi
  # setsid+nohup: the broker outlives this shell, its terminal and process group;
  # 9>&-: it must not inherit (and so hold forever) the command lock.
  # shellcheck disable=SC2086  # the *_OPTS are lists of JVM flags: split them
  setsid nohup java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true ${KAFKA_OPTS:-} \
    -Dlog4j2.configurationFile="$CONF/log4j2.xml" -Dkafka.log.file="$LOG" \
    -cp "$LIB/*" kafka.Kafka "$PROPS" >"$OUT" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  wait_healthy "$pid"
  say "running (pid $pid), SASL_PLAINTEXT://127.0.0.1:$PORT SCRAM-SHA-512, ready in $((SECONDS - t0))s"
}

cmd_stop() {
  local pid i
  if ! pid="$(pid_of_running)"; then rm -f "$PIDFILE"; say "not running"; return 0; fi
  kill -TERM "$pid"   # controlled shutdown: flushes logs, leaves clean recovery points
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    # After this, the next start waits out the old broker session (~10s).
    say "still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PIDFILE"
  say "stopped (pid $pid)"
}

# Exit status: 0 running, 1 not running.
cmd_status() {
  local pid url
  if pid="$(pid_of_running)"; then
    url="$(sed -n 's/^advertised.listeners=//p' "$PROPS")"   # the port it runs on
    echo "kafka: running (pid $pid), $url, state $KDIR"
  else
    echo "kafka: not running"
    return 1
  fi
}

# Keeps the jar cache (lib/) so the next start needs no Maven.
cmd_clean() {
  cmd_stop
  rm -rf "$DATA" "$PROPS" "$ADMIN_PROPS" "$LOG" "$LOG".* "$OUT"
  say "removed data, generated config and logs (jar cache kept in $LIB)"
}

# Creates or rotates a SCRAM-SHA-512 credential on the running broker; takes
# effect at the user's next login, no restart or reformat.
cmd_add_user() {
  [[ $# -eq 2 ]] || die "usage: $0 add-user NAME PASSWORD"
  local name="$1" pw="$2"
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "bad user name '$name'"
  check_password "$name" "$pw"
  pid_of_running >/dev/null || die "the broker is not running ('$0 start' first)"
  "${TOOL[@]}" org.apache.kafka.tools.ConfigCommand --bootstrap-server "127.0.0.1:$PORT" \
    --command-config "$ADMIN_PROPS" --alter --entity-type users --entity-name "$name" \
    --add-config "SCRAM-SHA-512=[iterations=4096,password=$pw]" >/dev/null ||
    die "could not set the credential of '$name'"
  say "SCRAM-SHA-512 credential of '$name' set"
  if [[ $name == "$KAFKA_ADMIN_USER" ]]; then
    write_admin_props "$pw"
    say "note: the next '$0 start' needs KAFKA_ADMIN_PASSWORD=$pw"
  fi
}

# Serialise commands that change state: parallel test runners may all call
# `start` at once, and exactly one of them must launch the broker.
case "${1:-}" in
  install | start | stop | clean | add-user)
    exec 9>"$STATE/run/kafka.lock"
    flock -w 300 9 || die "another kafka.sh holds $STATE/run/kafka.lock"
    ;;
esac

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  clean) cmd_clean ;;
  add-user) shift; cmd_add_user "$@" ;;
  *) echo "usage: $0 install|start|stop|status|clean|add-user NAME PASSWORD" >&2; exit 2 ;;
esac
