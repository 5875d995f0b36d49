#!/usr/bin/env bash
# Set up, lint, then run every test tier (unit, then the cargo tier that compiles and runs the
# generated crates). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check chaintool tests scripts
.venv/bin/mypy
.venv/bin/pytest "$@"
