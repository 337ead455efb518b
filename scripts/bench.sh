#!/usr/bin/env bash
# Runs the two benchmarks (issue 3: scheduling 10 000 pods on 1 000 nodes; issue 6: each kubectl
# command on 200 pods) in the bench profile (opt-level 3, fat LTO), built with profile-guided
# optimisation (PGO) the way release builds of rustc or Chromium are:
#   1. build the benchmarks instrumented (-Cprofile-generate),
#   2. train them on smaller runs than the measured ones (2 000 pods on 200 hollow nodes, 1 000
#      on 100 full nodes; every kubectl command a few times),
#   3. merge the profiles with llvm-profdata and rebuild with -Cprofile-use,
#   4. run the measured benchmarks.
# PGO lays out hot paths and inlines by measured frequency; it changes no behaviour (the same
# tests pass, the same outputs come out). `scripts/bench.sh --plain` (or `make bench-plain`)
# skips it, for comparison. The bench builds live in their own target directories, so neither
# kind of build invalidates the other (or the tests').
#
# llvm-profdata must read the raw profiles of rustc's LLVM: the rustup component llvm-tools if
# present, else the newest Debian llvm-N (19 reads rustc 1.95's profiles), installed with apt
# when missing. Without one, the benchmarks run without PGO and say so.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
PGO_DIR="$TARGET/pgo"
say() { printf '[bench] %s\n' "$*"; }

run_benches() {
  cargo bench -p podlab-sim --bench schedule
  cargo bench -p podlab-kubectl --bench commands
}

if [[ "${1:-}" == "--plain" ]]; then
  say "fat LTO, no PGO"
  run_benches
  exit 0
fi

find_profdata() {
  local sysroot candidate
  sysroot="$(rustc --print sysroot)"
  for candidate in "$sysroot"/lib/rustlib/*/bin/llvm-profdata $(ls -d /usr/lib/llvm-*/bin/llvm-profdata 2>/dev/null | sort -t- -k2 -n -r); do
    [[ -x "$candidate" ]] && { echo "$candidate"; return 0; }
  done
  return 1
}

PROFDATA="$(find_profdata || true)"
if [[ -z "$PROFDATA" ]] && command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
  say "installing Debian's llvm-19 for llvm-profdata"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q llvm-19 >/dev/null || true
  PROFDATA="$(find_profdata || true)"
fi
if [[ -z "$PROFDATA" ]]; then
  say "no llvm-profdata found: running without PGO"
  run_benches
  exit 0
fi

say "PGO step 1/4: instrumented build ($PROFDATA will merge)"
rm -rf "$PGO_DIR/raw"
mkdir -p "$PGO_DIR/raw"
export CARGO_TARGET_DIR="$TARGET/pgo-generate"
RUSTFLAGS="-Cprofile-generate=$PGO_DIR/raw" cargo bench -p podlab-sim --bench schedule --no-run
RUSTFLAGS="-Cprofile-generate=$PGO_DIR/raw" cargo bench -p podlab-kubectl --bench commands --no-run

say "PGO step 2/4: training runs (smaller than the measured ones)"
export LLVM_PROFILE_FILE="$PGO_DIR/raw/bench-%m-%p.profraw"
for config in 2000,200,64,hollow 1000,100,64,full; do
  PODLAB_BENCH=$config RUSTFLAGS="-Cprofile-generate=$PGO_DIR/raw" cargo bench -p podlab-sim --bench schedule >/dev/null
done
PODLAB_BENCH_REPEAT=5 RUSTFLAGS="-Cprofile-generate=$PGO_DIR/raw" cargo bench -p podlab-kubectl --bench commands >/dev/null
unset LLVM_PROFILE_FILE

say "PGO step 3/4: merging profiles"
# Only the benchmarks' own profiles (the build scripts of the instrumented build wrote others).
if ! "$PROFDATA" merge -o "$PGO_DIR/merged.profdata" "$PGO_DIR"/raw/bench-*.profraw; then
  say "llvm-profdata could not read rustc's profiles: running without PGO"
  export CARGO_TARGET_DIR="$TARGET"
  run_benches
  exit 0
fi

say "PGO step 4/4: optimised build and the measured runs"
# Named by its content: cargo rebuilds what RUSTFLAGS names, not what a file it names holds,
# so a new profile must change the flags or crates built with the old one would be kept.
PROFILE="$PGO_DIR/merged-$(sha256sum "$PGO_DIR/merged.profdata" | cut -c1-16).profdata"
rm -f "$PGO_DIR"/merged-*.profdata
cp "$PGO_DIR/merged.profdata" "$PROFILE"
export CARGO_TARGET_DIR="$TARGET/pgo-use"
export RUSTFLAGS="-Cprofile-use=$PROFILE"
run_benches
