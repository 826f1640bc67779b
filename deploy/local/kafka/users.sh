# shellcheck shell=bash
# SCRAM-SHA-512 users of the local Kafka broker: the single place that lists
# them and their dev passwords. Sourced by deploy/local/kafka.sh; other local
# scripts/tests may source it too and call kafka_password NAME.
#
# Default password of user NAME is "NAME-dev-secret". Override one with
# KAFKA_<NAME>_PASSWORD, NAME upper-cased with '-' turned into '_', e.g.
#   KAFKA_ADMIN_PASSWORD, KAFKA_DEVICE_GROUPING_PASSWORD, KAFKA_OP_TELE2_ALTEL_PASSWORD
# Credentials are written into the metadata log when storage is formatted
# (first `start` after `clean`); to change one on a running broker use
# `kafka.sh add-user NAME PASSWORD`. Passwords must not contain , [ ] = " ' \
# or whitespace (the SCRAM syntax of the Kafka tools cannot carry them).

# admin: super user (broker-internal traffic, scripts, ACL provisioning).
KAFKA_ADMIN_USER="admin"
# One user per service, then one per mobile operator.
KAFKA_SERVICE_USERS=(intake device-grouping list-state operator-notifier)
KAFKA_OPERATOR_USERS=(op-kcell op-beeline op-tele2-altel)
# shellcheck disable=SC2034  # used by the scripts that source this file
KAFKA_USERS=("$KAFKA_ADMIN_USER" "${KAFKA_SERVICE_USERS[@]}" "${KAFKA_OPERATOR_USERS[@]}")

# kafka_password NAME -> prints NAME's password (env override or dev default).
kafka_password() {
  local var
  var="KAFKA_$(printf '%s' "$1" | tr 'a-z-' 'A-Z_')_PASSWORD"
  printf '%s' "${!var:-$1-dev-secret}"
}
