#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets of tests/fuzz with clang
# (ASan + UBSan + coverage) into build-fuzz/ and runs each for FUZZ_SECONDS
# (default 30) on a scratch copy of its seed corpus and regressions (the
# committed corpus never grows). Prints, per target, executions, coverage
# and crashes; ends with "N passed, N failed". Exits non-zero when any
# target crashed, leaking or timing out included, naming the input.
#
#   FUZZ_SECONDS=300 make fuzz               longer runs
#   FUZZ_TARGETS="poll path" scripts/fuzz.sh  some targets only
#   FUZZ_BUILD_DIR=...                       another build directory
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# rustup's cargo and rustc before Debian's (/usr/bin, for the Rust guests only).
export PATH="$HOME/.cargo/bin:$PATH:/usr/local/go/bin"

SECONDS_EACH=${FUZZ_SECONDS:-30}
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
ALL_TARGETS=$(cd tests/fuzz && ls *_fuzz.cc | sed 's/_fuzz\.cc$//')
TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DWASINET_FUZZ=ON -DWASINET_BUILD_TESTS=OFF >/dev/null
ninja -C "$BUILD_DIR" fuzz_targets

scratch=$(mktemp -d /tmp/wasinet-fuzz.XXXXXX)
passed=0
failed=0
for t in $TARGETS; do
  exe="$BUILD_DIR/tests/fuzz/fuzz_$t"
  dir="$scratch/$t"
  mkdir -p "$dir/crashes"
  cp -r "tests/fuzz/corpus/$t" "$dir/corpus"
  if [[ -d "tests/fuzz/regressions/$t" ]]; then cp "tests/fuzz/regressions/$t"/* "$dir/corpus/"; fi
  seeds=$(ls "$dir/corpus" | wc -l)
  # -timeout: one input running 10 s is a hang (every wait in the targets is
  # bounded to milliseconds). Leaks count as crashes (ASan's default).
  status=0
  "$exe" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/crashes/" "$dir/corpus" >"$dir/log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$dir/log" | tail -1)
  corpus=$(ls "$dir/corpus" | wc -l)
  crashes=$(find "$dir/crashes" -type f | wc -l)
  printf 'fuzz_%-15s %10s executions in %ss, %s, corpus %s -> %s, %s crashes\n' \
    "$t" "${execs:-?}" "$SECONDS_EACH" "${cov:-cov: ?}" "$seeds" "$corpus" "$crashes"
  if ((status != 0 || crashes > 0)); then
    failed=$((failed + 1))
    for f in $(find "$dir/crashes" -type f); do
      echo "  crashing input: $f"
      echo "  reproduce:      $exe $f"
      echo "  keep it:        cp $f tests/fuzz/regressions/$t/"
    done
    echo "  log ($dir/log), last lines:"
    grep -vE '^#[0-9]+' "$dir/log" | tail -25 | sed 's/^/    /'
  else
    passed=$((passed + 1))
  fi
done
if ((failed == 0)); then
  rm -rf "$scratch"
else
  echo "inputs and logs kept in $scratch"
fi
echo "$passed passed, $failed failed"
((failed == 0))
