#!/usr/bin/env bash
# The benchmark suite (`make bench`): builds wasinet (scripts/build.sh, which
# also sets the machine up), then bench/cmd/runbench measures every figure
# next to its native baseline and writes BENCHMARKS.md, the chart
# bench/results/benchmarks.png and the raw bench/results/results.json.
# About 10 minutes on 2 cores; nothing else should run meanwhile.
#
#   BENCH_QUICK=1       short durations: a smoke run of about 2 minutes
#   BENCH_ONLY=a,b      only these sections (start,compute,bulk,http,v0,conns)
#   BUILD_DIR=DIR       the build directory (default build)
#   WASINET=PATH        measure this wasinet binary (default $BUILD_DIR/wasinet)
#   BENCH_NO_BUILD=1    do not run scripts/build.sh (WASINET must exist)
# Targets are printed as PASS/MISS lines; a MISS never fails the command.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  BUILD_DIR="$BUILD_DIR" scripts/build.sh
fi
export PATH="$PATH:/usr/local/go/bin"
export GOTOOLCHAIN=local GOWORK=off GOFLAGS=
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
WASINET=${WASINET:-$BUILD_DIR/wasinet}
WORK="$BUILD_DIR/bench"
mkdir -p "$WORK"
(cd bench && go build -o "$WORK/runbench" ./cmd/runbench)
args=(-root "$ROOT" -wasinet "$WASINET" -work "$WORK" -report BENCHMARKS.md -results bench/results)
if [ "${BENCH_QUICK:-0}" = 1 ]; then args+=(-quick); fi
if [ -n "${BENCH_ONLY:-}" ]; then args+=(-only "$BENCH_ONLY"); fi
exec "$WORK/runbench" "${args[@]}"
