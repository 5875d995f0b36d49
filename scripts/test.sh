#!/usr/bin/env bash
# Set up, lint, then run every test tier: unit, cargo (compiles and runs generated crates), chain
# (a devnet built from the examples) and docker (images and devnets in a real Docker daemon); then
# the chain tier again against the devnet in Docker. Extra arguments go to the first pytest run.
# Fails if a devnet process or container is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/docker-daemon.sh
# No image registry here: build on a Debian base image made from Debian's packages, and trust
# this network's extra CA certificates in the image stages that download (never the final one).
if [ -z "${CHAINTOOL_BASE_IMAGE:-}" ]; then
  .venv/bin/chaintool docker base-image --if-missing
  export CHAINTOOL_BASE_IMAGE=chaintool/debian:trixie
fi
if [ -z "${CHAINTOOL_EXTRA_CA:-}" ] && compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  export CHAINTOOL_EXTRA_CA=/usr/local/share/ca-certificates
fi
# The in-Docker build of the runtime (tests/test_docker.py::test_in_docker_build): about 8 min
# cold, 7 min after a change to chaintool (Docker's layer cache keeps the toolchain), seconds when
# nothing changed. CHAINTOOL_TEST_IN_DOCKER=0 skips it.
export CHAINTOOL_TEST_IN_DOCKER=${CHAINTOOL_TEST_IN_DOCKER:-1}
.venv/bin/ruff check chaintool tests scripts
.venv/bin/mypy
status=0
.venv/bin/pytest "$@" || status=$?
if [ $status -eq 0 ]; then
  echo "test.sh: the chain tier against the devnet in Docker" >&2
  .venv/bin/pytest -m chain --chaintool-engine docker tests/test_chain.py || status=$?
fi
if pgrep -f "chopsticks/chopsticks.cjs" >/dev/null; then
  echo "test.sh: a devnet process was left running:" >&2
  pgrep -af "chopsticks/chopsticks.cjs" >&2
  status=1
fi
# Dev node images of earlier runs and in-Docker builder stages (gigabytes each) go; the test
# node's image and the layer cache of the other stages stay.
.venv/bin/chaintool docker prune --node-dir "${CHAINTOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chaintool}/test-node" >/dev/null
left=$(docker ps -aq --filter label=org.chaintool.devnet)
if [ -n "$left" ]; then
  echo "test.sh: devnet containers were left behind:" >&2
  docker ps -a --filter label=org.chaintool.devnet >&2
  docker rm -f $left >/dev/null
  status=1
fi
exit $status
