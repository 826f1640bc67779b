#!/usr/bin/env bash
# The project's test command (`npm test`): installs and builds what is missing, then runs the tiers in
# order: unit (pure), integration (real Kafka + FerretDB, brought up by jest's global setup) and e2e
# (the whole mesh as processes). A stack that fails to start fails the run; nothing is skipped.
#   npm test               all tiers
#   npm test -- unit       one tier (unit | integration | e2e)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash deploy/local/bootstrap.sh
export PATH="$root/node_modules/.bin:$PATH"
tiers=("${@:-unit integration e2e}")
read -r -a tiers <<< "${tiers[*]}"
# Jest transforms with SWC, which does not type-check: the spec files are checked here.
for spec_config in libs/*/tsconfig.spec.json services/*/tsconfig.spec.json; do
  [ -f "$spec_config" ] || continue
  tsc -p "$spec_config" || { echo "type errors in the tests of $(dirname "$spec_config")" >&2; exit 1; }
done
out=$(mktemp -d)
status=0
for tier in "${tiers[@]}"; do
  echo "== $tier tests =="
  args=(--selectProjects "$tier" --json --outputFile "$out/$tier.json")
  [ "$tier" = unit ] || args+=(--runInBand)
  started=$SECONDS
  jest "${args[@]}" || status=1
  echo "== $tier tests took $((SECONDS - started)) s =="
done
node -e '
  const fs = require("fs"); let passed = 0, failed = 0, skipped = 0;
  for (const f of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0); skipped += r.numPendingTests;
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$out"
exit $status
