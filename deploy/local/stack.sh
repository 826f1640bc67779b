#!/usr/bin/env bash
# The local stack: Apache Kafka (KRaft, SASL/SCRAM, ACLs) and FerretDB (SQLite by default), on loopback.
#   stack.sh up      install what is missing, start both, create ACLs and topics (idempotent; the
#                    block-list topic gets its dev compaction profile)
#   stack.sh down    stop both (data kept)
#   stack.sh status  exit 0 when both run
#   stack.sh clean   stop both and delete their data (downloads and builds are kept)
# FERRETDB_BACKEND=postgresql runs FerretDB on a PostgreSQL of its own; MONGODB_URI set to a MongoDB
# skips FerretDB altogether. IMEI_TRACING=1 also starts the local trace UI (zipkin.sh, 127.0.0.1:9411).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
external_mongo() { [ -n "${MONGODB_URI:-}" ] && [ "${MONGODB_URI}" != "mongodb://127.0.0.1:${FERRETDB_PORT:-27017}/" ]; }

up() {
  local started=$SECONDS
  bash "$here/kafka.sh" start
  if external_mongo; then echo "stack: using MONGODB_URI, FerretDB not started"; else bash "$here/ferretdb.sh" start; fi
  if [ "${IMEI_TRACING:-0}" = 1 ]; then bash "$here/zipkin.sh" start; fi
  bash "$here/bootstrap.sh"
  (cd "$root" && node libs/kafka/dist/bin/apply-acls.js && node libs/kafka/dist/bin/ensure-topics.js)
  # The dev profile of the compacted national block list: compaction visible within minutes.
  (cd "$root" && node services/operator-notifier/dist/cli/blocklist-topic-config.js --dev)
  echo "stack: up in $((SECONDS - started)) s (Kafka 127.0.0.1:${KAFKA_PORT:-9092}, FerretDB 127.0.0.1:${FERRETDB_PORT:-27017})"
}

case "${1:-}" in
  up) up ;;
  down) bash "$here/zipkin.sh" stop; bash "$here/ferretdb.sh" stop; bash "$here/kafka.sh" stop ;;
  status) bash "$here/kafka.sh" status && { external_mongo || bash "$here/ferretdb.sh" status; } ;;
  clean) bash "$here/ferretdb.sh" clean; bash "$here/kafka.sh" clean ;;
  *) echo "usage: $0 up|down|status|clean" >&2; exit 2 ;;
esac
