#!/usr/bin/env bash
# The demo_script test: runs scripts/demo.sh (the README's first command)
# against an already-built tree, and checks both its exit status and what
# it printed. Usage: demo_script_test.sh BUILD_DIR
set -uo pipefail
build_dir=${1:?usage: demo_script_test.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

# No setup and no rebuild (DEMO_SKIP_BUILD), and a module cache of its own.
out=$(BUILD_DIR="$build_dir" DEMO_SKIP_BUILD=1 WASINET_CACHE_DIR="$cache" "$here/../scripts/demo.sh" 2>&1)
status=$?
echo "$out"
failed=0
if [[ $status -ne 0 ]]; then
  echo "demo_script: scripts/demo.sh exited $status, want 0"
  failed=1
fi
for want in '^listening on http://127\.0\.0\.1:[0-9]+$' \
  '^Hello from a wasip1 guest! You are 127\.0\.0\.1:[0-9]+\.$' \
  '^echoed by the guest$' \
  '^\(the guest may bind only 127\.0\.0\.1:[0-9]+: every other network call is denied\)$'; do
  if ! grep -Eq "$want" <<<"$out"; then
    echo "demo_script: no line matching $want"
    failed=1
  fi
done
exit "$failed"
