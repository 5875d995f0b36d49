#!/usr/bin/env bash
# The main job on the embedded default, the CID workflow of REFERENCE.md: set up, scaffold, build
# and test for every target, then run it natively and through WASM on the same input.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
manifest=examples/cidv1_from_bytes.json
out=build/cidv1_from_bytes
.venv/bin/chaintool build "$manifest" --out "$out"
for via in native wasm; do
  printf '%-6s CID of "hello": ' "$via"
  .venv/bin/chaintool exec "$manifest" --out "$out" --via "$via" --input-text hello
done
