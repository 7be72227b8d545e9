#!/usr/bin/env bash
# Sets up the machine, builds wasinet and the examples, and runs the demo:
# a Go net/http server built for wasip1 (examples/go/httpserver), served by
# `wasinet run` with the one network grant it needs, answering curl.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
wasinet="$BUILD_DIR/wasinet"
server="$BUILD_DIR/examples/go/httpserver.wasm"

# A port nobody uses right now, so the grant can name it exactly.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
pid=
cleanup() {
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -f "$log"
}
trap cleanup EXIT

echo
echo "\$ wasinet run --allow-listen=127.0.0.1:$port $server -addr 127.0.0.1:$port &"
"$wasinet" run --allow-listen="127.0.0.1:$port" "$server" -addr "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
# Wait (up to 60 s: the first run compiles the module) for the listening line.
for _ in $(seq 600); do
  grep -q '^listening on' "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "demo: the server exited"; exit 1; }
  sleep 0.1
done
cat "$log"
echo
echo "\$ curl -s http://127.0.0.1:$port/"
curl -sS --max-time 10 "http://127.0.0.1:$port/"
echo
echo "\$ curl -s --data-binary 'echoed by the guest' http://127.0.0.1:$port/echo"
curl -sS --max-time 10 --data-binary 'echoed by the guest' "http://127.0.0.1:$port/echo"
echo
echo
echo "(the guest may bind only 127.0.0.1:$port: every other network call is denied)"
