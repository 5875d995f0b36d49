#!/usr/bin/env bash
# Set up, lint, then run every test tier: unit, cargo (compiles and runs generated crates) and
# chain (a devnet built from the examples). Extra arguments go to pytest. Fails if a devnet
# process is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check chaintool tests scripts
.venv/bin/mypy
status=0
.venv/bin/pytest "$@" || status=$?
if pgrep -f "chopsticks/chopsticks.cjs" >/dev/null; then
  echo "test.sh: a devnet process was left running:" >&2
  pgrep -af "chopsticks/chopsticks.cjs" >&2
  status=1
fi
exit $status
