#!/usr/bin/env bash
# Sets up the machine, builds wasinet and the one example it serves, and
# runs the demo: a Go net/http server built for wasip1
# (examples/go/httpserver), served by `wasinet run` with the one network
# grant it needs, answering curl. Nothing else is built (the unit tests,
# guests and fuzz replays are scripts/test.sh's).
# Exits 0 when the demo worked: the server started, both pages came back
# as expected, and the server was still running when the demo stopped it.
#
# Environment: BUILD_DIR (default build); DEMO_SKIP_BUILD=1 uses BUILD_DIR
# as it is, without setting up or building (the demo_script test does).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [[ "${DEMO_SKIP_BUILD:-0}" != 1 ]]; then
  scripts/build.sh wasinet examples/go/httpserver.wasm
fi
wasinet="$BUILD_DIR/wasinet"
server="$BUILD_DIR/examples/go/httpserver.wasm"
for f in "$wasinet" "$server"; do
  [[ -e "$f" ]] || { echo "demo: $f is missing (build it first, or run without DEMO_SKIP_BUILD)" >&2; exit 1; }
done

fail() {
  echo "demo: $*" >&2
  exit 1
}

# A port nobody uses right now, so the grant can name it exactly.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
pid=
# Stops the server if it still runs. The script's own status stands: the
# server's 143 from our SIGTERM is the expected end, not a failure.
cleanup() {
  local status=$?
  if [[ -n "$pid" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$log"
  exit "$status"
}
trap cleanup EXIT

echo
echo "\$ wasinet run --allow-listen=127.0.0.1:$port $server -addr 127.0.0.1:$port &"
"$wasinet" run --allow-listen="127.0.0.1:$port" "$server" -addr "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
# Wait (up to 60 s: the first run compiles the module) for the listening line.
for _ in $(seq 600); do
  grep -q '^listening on' "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "the server exited before it listened"; }
  sleep 0.1
done
grep -q '^listening on' "$log" || { cat "$log"; fail "the server did not listen within 60 s"; }
cat "$log"

echo
echo "\$ curl -s http://127.0.0.1:$port/"
page=$(curl -sS --max-time 10 "http://127.0.0.1:$port/") || fail "GET / failed"
echo "$page"
[[ "$page" == "Hello from a wasip1 guest! You are 127.0.0.1:"* ]] || fail "GET / answered something else"

echo
echo "\$ curl -s --data-binary 'echoed by the guest' http://127.0.0.1:$port/echo"
echoed=$(curl -sS --max-time 10 --data-binary 'echoed by the guest' "http://127.0.0.1:$port/echo") ||
  fail "POST /echo failed"
echo "$echoed"
[[ "$echoed" == "echoed by the guest" ]] || fail "POST /echo did not echo the body"

kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "the server exited during the demo"; }
echo
echo "(the guest may bind only 127.0.0.1:$port: every other network call is denied)"
