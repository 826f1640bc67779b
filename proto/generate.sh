#!/usr/bin/env bash
# Regenerates the TypeScript contracts (ts-proto) and the descriptor set used by gRPC reflection.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/node_modules/.bin:$PATH"
out="$root/libs/contracts/src/gen"
cd "$root/proto"
buf lint
rm -rf "$out"
buf generate
mkdir -p "$root/libs/contracts/descriptor"
buf build -o "$root/libs/contracts/descriptor/imei-v1.binpb"
