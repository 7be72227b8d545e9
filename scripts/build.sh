#!/usr/bin/env bash
# Sets up the machine, then configures and builds wasinet, its tests and
# test guests into build/ (override with BUILD_DIR). The engine is built
# once by cargo into ~/.cache/wasinet/cargo-target and reused afterwards.
#
#   scripts/build.sh                  everything
#   scripts/build.sh TARGET...        only these ninja targets (and what they
#                                     need), e.g. wasinet examples/go/httpserver.wasm,
#                                     or shim (`make shim`)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# rustup's cargo and rustc before Debian's (/usr/bin, for the Rust guests only).
export PATH="$HOME/.cargo/bin:$PATH:/usr/local/go/bin"
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
ninja -C "$BUILD_DIR" "$@"
