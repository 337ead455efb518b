#!/usr/bin/env bash
# Installs, only when missing, every tool Podlab's build and tests need, from crates.io, npm and
# Debian packages (never a download from GitHub). Idempotent: a second run only checks.
#   scripts/install-tools.sh           build tools (wasm target, Trunk, wasm-bindgen, wasm-opt)
#   scripts/install-tools.sh --browser also Chromium + chromedriver and the e2e npm packages
set -euo pipefail
cd "$(dirname "$0")/.."
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
TOOLS_DIR="${PODLAB_TOOLS_DIR:-$HOME/.cache/podlab/tools}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

say() { printf '[tools] %s\n' "$*"; }

# The wasm-bindgen CLI must equal the library version that Cargo.lock pins.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (several minutes on 2 cores)"
  # Trunk's own profile uses fat LTO, which doubles the build time for no benefit here.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install trunk --version "$TRUNK_VERSION" --locked
fi

WBG="$(wasm_bindgen_version)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG\$"; then
  say "installing wasm-bindgen-cli $WBG"
  # --locked fails: the CLI's lock pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WBG" --force
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version_${BINARYEN_VERSION%%.*}"; then
  say "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm into $TOOLS_DIR"
  # Debian's binaryen (wasm-opt 108) produces pages that die at start-up: use npm's.
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
fi

if [[ "${1:-}" == "--browser" ]]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing chromium and chromium-driver from Debian"
    SUDO=""; [[ "$(id -u)" == 0 ]] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver
  fi
  if [[ ! -d tests/e2e/node_modules/playwright-core ]] || [[ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]]; then
    say "installing the end-to-end test packages (playwright-core, axe-core) from npm"
    npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
  fi
fi
say "ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version | head -1)"
