#!/usr/bin/env bash
# Sets up the machine, builds everything, and runs the whole test suite:
# unit tests, the WASI conformance suite, and end-to-end tests of real
# guests under the real CLI. Ends with ctest's summary, then one line per
# skipped test saying what was skipped and why.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
# rustup's cargo and rustc before Debian's (/usr/bin, for the Rust guests only).
export PATH="$HOME/.cargo/bin:$PATH:/usr/local/go/bin"
# The containerd shim (not part of ALL: its first build takes minutes) for
# the shim_* tests, which must then find it rather than skip.
ninja -C "${BUILD_DIR:-build}" shim
export WASINET_SHIM_REQUIRED=1
# The ASan+UBSan build (cmake/Sanitizers.cmake) of the CLI, the unit tests,
# embed_run and the fuzz replay runners, which the normal build's ctest runs
# as the sanitized_* tests (cmake/SanitizedTests.cmake), so that the output
# still ends with ctest's summary. SANITIZED=0 skips it.
SANITIZED_DIR=${SANITIZED_BUILD_DIR:-build-asan}
if [[ "${SANITIZED:-1}" != 0 ]]; then
  # clang: compiles this build 2.3x faster than gcc (tests/fuzz/README.md).
  cmake -S . -B "$SANITIZED_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DWASINET_SANITIZE=address,undefined >/dev/null
  ninja -C "$SANITIZED_DIR" wasinet wasinet_unit_tests embed_run fuzz_replay_targets
  # The guests are the normal build's (the unit tests look beside their binary).
  [[ -L "$SANITIZED_DIR/guests" ]] || rm -rf "$SANITIZED_DIR/guests"
  ln -sfn "$(realpath "${BUILD_DIR:-build}")/guests" "$SANITIZED_DIR/guests"
  cmake -S . -B "${BUILD_DIR:-build}" -DWASINET_SANITIZED_DIR="$(realpath "$SANITIZED_DIR")" >/dev/null
else
  cmake -S . -B "${BUILD_DIR:-build}" -DWASINET_SANITIZED_DIR= >/dev/null
fi
# ctest keeps a skipped test's output to itself: say after its summary what
# was skipped and why (e.g. the WASI test suite on a clone without ../shared).
report="$(realpath "${BUILD_DIR:-build}")/Testing/last-run.junit.xml"
status=0
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure --output-junit "$report" -j "$(nproc)" "$@" ||
  status=$?
python3 scripts/skipped_tests.py "$report" || true
exit "$status"
