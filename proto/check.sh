#!/usr/bin/env bash
# Fails when generated contracts drift from proto/ or when a contract change breaks wire/JSON
# compatibility with the previous commit (operators build against these contracts).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/node_modules/.bin:$PATH"
cd "$root"
bash proto/generate.sh
if ! git diff --exit-code --stat -- libs/contracts/src/gen libs/contracts/descriptor \
   || [ -n "$(git status --porcelain -- libs/contracts/src/gen libs/contracts/descriptor)" ]; then
  echo "proto:check: generated contracts are out of date: run 'npm run proto:gen' and commit" >&2
  git status --porcelain -- libs/contracts/src/gen libs/contracts/descriptor >&2
  exit 1
fi
against=${PROTO_BREAKING_AGAINST:-HEAD~1}
if git rev-parse --verify -q "$against^{commit}" >/dev/null && git cat-file -e "$against:proto/buf.yaml" 2>/dev/null; then
  (cd proto && buf breaking --against "$root/.git#ref=$against,subdir=proto")
  echo "proto:check: no drift, no breaking change against $against"
else
  echo "proto:check: no drift; $against has no contracts to compare with (first version)"
fi
