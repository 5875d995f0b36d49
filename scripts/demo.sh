#!/usr/bin/env bash
# The main job on the embedded default, the CID workflow of REFERENCE.md: set up; scaffold, build
# and test the workflow for every target; build the dev node with its pallet; bring the devnet
# (Chopsticks) up; execute the workflow on-chain and verify it against the native run; bring the
# devnet down.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
manifest=examples/cidv1_from_bytes.json
out=build/cidv1_from_bytes
node_dir=build/node
chaintool=.venv/bin/chaintool

$chaintool build "$manifest" --out "$out"
for via in native wasm; do
  printf '%-6s CID of "hello": ' "$via"
  $chaintool exec "$manifest" --out "$out" --via "$via" --input-text hello
done

$chaintool node build "$manifest" --node-dir "$node_dir"
$chaintool devnet down --node-dir "$node_dir" >/dev/null
trap '$chaintool devnet down --node-dir "$node_dir"' EXIT
url=$($chaintool devnet up --detach --port 9944 --node-dir "$node_dir")
printf 'chain  CID of "hello": '
$chaintool exec "$manifest" --out "$out" --via chain --url "$url" --verify --input-text hello
