#!/usr/bin/env bash
# The C API from another language: builds examples/capi/gohost (Go, cgo)
# against this build's static libraries and runs real guests with it.
#
#   gohost_test.sh LINK_FILE GUESTS_DIR WORK_DIR
#
# LINK_FILE (build/capi-link.txt) holds the linker flags, one per line.
# Ends with "N passed, N failed".
set -uo pipefail
link_file=$1 guests=$2 work=$3
src="$(cd "$(dirname "$0")/../../examples/capi/gohost" && pwd)"
mkdir -p "$work"
bin="$work/gohost"
ldflags=$(tr '\n' ' ' < "$link_file")
if ! (cd "$src" && CGO_ENABLED=1 CGO_LDFLAGS="$ldflags" GOTOOLCHAIN=local GOWORK=off GOFLAGS= \
      go build -o "$bin" .); then
  echo "gohost_test: building the Go host failed"
  echo "0 passed, 1 failed"
  exit 1
fi
passed=0 failed=0
expect() {  # NAME WANT_STATUS WANT_TEXT -- COMMAND...
  local name=$1 want_status=$2 want_text=$3
  shift 4
  local out status
  out=$("$@" 2>&1)
  status=$?
  if [[ $status == "$want_status" && $out == *"$want_text"* ]]; then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: status $status (want $want_status), output:"
    echo "$out" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
}
# The hello guest prints its environment and exits 3.
expect hello-go 3 "HELLO_GREETING=from a Go host" -- "$bin" "$guests/go/hello.wasm" a b
expect hello-c 3 "end=2 status=3" -- "$bin" "$guests/c/hello.wasm"
# A guest blocked reading stdin (a pipe that stays open) is stopped from
# another goroutine: it ends as STOPPED (4) with the status given, 143.
expect stop 143 "end=4 status=143 message=stopped" -- \
  bash -c "sleep 60 | \"$bin\" -stop-after 300ms \"$guests/c/stdin.wasm\"; s=\$?; exit \$s"
# A module that imports what wasinet lacks is refused with the reason.
expect import-missing 125 "env::nope" -- "$bin" "$guests/c/import_missing.wasm"
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
