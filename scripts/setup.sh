#!/usr/bin/env bash
# Idempotent set-up of everything chaintool needs on a fresh Debian machine:
#   - Debian's rustc-web, rust-web-src and lld-22: a Rust toolchain whose standard library sources
#     allow `-Z build-std` for wasm32 (rustup's toolchain has no wasm32 std here; see DESIGN.md);
#   - rustfmt and clippy for the rustup toolchain (generated code is formatted and linted);
#   - the wasm-bindgen CLI, exactly the version of the wasm-bindgen crate that workflows use;
#   - Chopsticks, the devnet engine, from node/package-lock.json;
#   - the Python environment in .venv, from the committed uv.lock.
# Re-running it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
UV_VERSION=0.13.9
CACHE=${CHAINTOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chaintool}
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for package in rustc-web rust-web-src lld-22; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" ||
      { say "adding rustup component $component"; rustup component add "$component"; }
  done
fi

if ! "$CACHE/tools/bin/wasm-bindgen" --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # The published lockfile can name crate versions a registry mirror lacks; fall back to a fresh
  # resolution of the same CLI version.
  cargo install --quiet --locked wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$CACHE/tools" ||
    cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$CACHE/tools"
fi

# Chopsticks (the embedded devnet engine), pinned by node/package-lock.json, installed in the cache
# and reinstalled only when the lockfile changes.
CHOPSTICKS="$CACHE/chopsticks"
if ! cmp -s node/package-lock.json "$CHOPSTICKS/package-lock.json" || [ ! -d "$CHOPSTICKS/node_modules" ]; then
  say "installing Chopsticks from node/package-lock.json"
  mkdir -p "$CHOPSTICKS"
  cp node/package.json node/package-lock.json "$CHOPSTICKS/"
  (cd "$CHOPSTICKS" && npm ci --no-audit --no-fund --loglevel=error)
fi

if ! command -v uv >/dev/null 2>&1 || ! uv --version | grep -q " $UV_VERSION"; then
  say "installing uv $UV_VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
say "Python environment (.venv) from uv.lock"
uv sync --quiet --frozen --extra test
say "ready: .venv/bin/chaintool --help"
