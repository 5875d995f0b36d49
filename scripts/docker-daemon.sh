#!/usr/bin/env bash
# Starts Debian's Docker daemon if none answers, the way DESIGN.md describes for machines without
# a container network: overlay2 storage, no bridge, no iptables or masquerading. Containers then
# only ever use host networking, and chaintool binds every service to 127.0.0.1.
# Installs docker.io and debootstrap if missing. Idempotent: does nothing when `docker info`
# already answers. Needs root (or sudo).
set -euo pipefail
LOG=${CHAINTOOL_DOCKERD_LOG:-/var/log/chaintool-dockerd.log}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian's daemon and client, and debootstrap for `chaintool docker base-image`.
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  echo "docker-daemon.sh: installing ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  exit 0
fi
as_root setsid nohup dockerd \
  --storage-driver=overlay2 --bridge=none --iptables=false --ip-masq=false \
  >"$LOG" 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 0.5
done
echo "docker-daemon.sh: dockerd did not answer within 30 s; its log:" >&2
tail -n 20 "$LOG" >&2
exit 1
