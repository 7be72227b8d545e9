#!/usr/bin/env bash
# Sets up the machine, builds everything, and runs the whole test suite:
# unit tests, the WASI conformance suite, and end-to-end tests of real
# guests under the real CLI. Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
export PATH="$PATH:/usr/local/go/bin:$HOME/.cargo/bin"
exec ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" "$@"
