#!/usr/bin/env bash
# Installs what building and testing wasinet needs on a fresh Debian 12
# machine, and checks the toolchains that come with it. Quick (a second or
# two) when everything is already there. Safe to run repeatedly.
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Debian packages: the host build (C++ toolchain, CMake, Ninja, libraries),
# the C guest toolchain (clang for wasm32-wasi, wasm-ld, wasi-libc, the wasm
# builtins, llvm-ar for the C SDK archive), clang's sanitizer and libFuzzer
# runtimes (the ASan+UBSan test build, `make fuzz`), and test/benchmark peers
# (curl, wrk, python3 with matplotlib for the benchmark chart, perf).
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libgtest-dev googletest libcli11-dev libssl-dev nlohmann-json3-dev libtomlplusplus-dev
  clang lld llvm wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev
  python3 python3-matplotlib curl wrk procps
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go builds the Go guests (GOOS=wasip1 needs Go >= 1.21; net.FileConn on
# wasip1 needs >= 1.22). It comes with the machine, under /usr/local/go.
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin:$HOME/.cargo/bin"
command -v go >/dev/null || die "Go is not installed (need Go >= 1.22 on PATH or in /usr/local/go)"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[ "$go_minor" -ge 22 ] || die "Go $(go env GOVERSION) is too old: need >= 1.22"

# Rust builds the engine (wasmtime's C API, pinned in
# src/engine/wasmtime-crate/Cargo.lock): wasmtime 48 declares rust-version 1.95.
command -v cargo >/dev/null || die "Rust (cargo) is not installed: install it with rustup, rustc >= 1.95"
rust_minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
[ "$rust_minor" -ge 95 ] || die "$(rustc --version) is too old: need >= 1.95"

say "ready: $(go env GOVERSION), $(rustc --version | cut -d' ' -f1-2), $(cmake --version | head -1), clang $(clang --version | head -1 | sed -E 's/.*version ([0-9.]+).*/\1/')"
