#!/usr/bin/env bash
# Sets up the machine, then configures and builds wasinet, its tests and
# test guests into build/ (override with BUILD_DIR), or only the ninja
# targets named as arguments. The engine is built
# once by cargo into ~/.cache/wasinet/cargo-target and reused afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PATH:/usr/local/go/bin:$HOME/.cargo/bin"
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
# Targets of ninja's, if given (`scripts/build.sh shim` for `make shim`);
# otherwise everything of ALL.
ninja -C "$BUILD_DIR" "$@"
