#!/usr/bin/env bash
# Sets up the machine, builds wasinet, and runs the demo: a Go program
# built for wasip1 that reads and writes files in a directory the host
# preopened for it, and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
export PATH="$PATH:/usr/local/go/bin"
BUILD_DIR=${BUILD_DIR:-build}
mkdir -p "$BUILD_DIR/examples"
(cd examples/go/wordfreq && GOOS=wasip1 GOARCH=wasm go build -o "../../../$BUILD_DIR/examples/wordfreq.wasm" .)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp examples/data/*.txt "$work/"
echo
echo "\$ wasinet run --dir $work::/data --env WASINET_DEMO=wasinet $BUILD_DIR/examples/wordfreq.wasm /data"
"$BUILD_DIR/wasinet" run --dir "$work::/data" --env WASINET_DEMO=wasinet "$BUILD_DIR/examples/wordfreq.wasm" /data
