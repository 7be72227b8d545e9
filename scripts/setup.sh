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
# (curl, wrk, python3 with matplotlib for the benchmark chart, perf; and
# redis-server and PostgreSQL for the `wasinet go` tests, which start their
# own instances on their own ports and data directories, never the system's;
# and Prometheus, whose promtool checks --metrics output and whose server the
# metrics test starts on its own port and data directory); and Debian's Rust
# (rustc 1.63 with the wasm32-wasi standard library, the only Rust here that
# targets wasm) for the Rust guests (tests/guests/rust).
# The containerd shim (`make shim`): protoc and libseccomp for the crates it
# builds on; its tests: containerd (with ctr) and runc, run as a containerd
# of the tests' own (own root, state and socket under a temporary
# directory), never a system one.
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libgtest-dev googletest libcli11-dev libssl-dev nlohmann-json3-dev libtomlplusplus-dev
  clang lld llvm wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev
  python3 python3-matplotlib curl wrk procps redis-server postgresql prometheus
  rustc cargo libstd-rust-dev-wasm32
  protobuf-compiler libseccomp-dev containerd runc
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
# rustup's cargo and rustc before Debian's (/usr/bin, for the Rust guests only).
export PATH="$HOME/.cargo/bin:$PATH:/usr/local/go/bin:$HOME/go/bin"
command -v go >/dev/null || die "Go is not installed (need Go >= 1.22 on PATH or in /usr/local/go)"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[ "$go_minor" -ge 22 ] || die "Go $(go env GOVERSION) is too old: need >= 1.22"

# Rust builds the engine (wasmtime's C API, pinned in
# src/engine/wasmtime-crate/Cargo.lock): wasmtime 48 declares rust-version 1.95.
command -v cargo >/dev/null || die "Rust (cargo) is not installed: install it with rustup, rustc >= 1.95"
rust_minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
[ "$rust_minor" -ge 95 ] || die "$(rustc --version) is too old: need >= 1.95"

# The `wasinet go` tests (ctest e2e_go_overlay) build for both Go releases
# it supports: the one above and go1.27.3, which the go command fetches
# from the module proxy into the module cache, as it does the tests'
# modules (go-redis, pgx, gRPC; tests/overlay/go.sum pins them). Fetched
# now so the tests do not wait for them; a machine without the proxy gets
# a warning here and failing overlay tests.
if ! GOTOOLCHAIN=go1.27.3 go version >/dev/null 2>&1; then
  say "warning: could not fetch Go go1.27.3 from the module proxy (the e2e_go_overlay tests need it)"
fi
if ! (cd "$(dirname "$0")/../tests/overlay" && GOTOOLCHAIN=local GOFLAGS= GOWORK=off go mod download); then
  say "warning: could not download the modules of tests/overlay (the e2e_go_overlay tests need them)"
fi

# containerd 2.x for the shim's tests (ctest shim_containerd2): Debian's
# 1.6.20 cannot import images whose module is a wasm layer (1.6.25 and
# later can). Built once from the Go module proxy (about 2 minutes on 2
# cores) into ~/.cache/wasinet; tests/CMakeLists.txt names the same
# version. Without the proxy: a warning here, and that test is skipped.
CONTAINERD2_VERSION=v2.2.9
CONTAINERD2_DIR="$HOME/.cache/wasinet/containerd-$CONTAINERD2_VERSION/bin"
if [ ! -x "$CONTAINERD2_DIR/containerd" ] || [ ! -x "$CONTAINERD2_DIR/ctr" ]; then
  say "building containerd $CONTAINERD2_VERSION from the Go module proxy into $CONTAINERD2_DIR"
  if ! GOTOOLCHAIN=local GOFLAGS= GOWORK=off GOBIN="$CONTAINERD2_DIR" go install \
      "github.com/containerd/containerd/v2/cmd/containerd@$CONTAINERD2_VERSION" \
      "github.com/containerd/containerd/v2/cmd/ctr@$CONTAINERD2_VERSION"; then
    say "warning: could not build containerd $CONTAINERD2_VERSION (the shim_containerd2 tests need it)"
  fi
fi

# crictl for the shim's CRI test (tests/shim/cri_test.go, the path kubelet
# takes): cri-tools from the Go module proxy, built once into
# ~/.cache/wasinet (about a minute). Without the proxy: a warning here, and
# that test fails (scripts/test.sh requires the shim's tests).
CRITOOLS_VERSION=v1.37.0
CRITOOLS_DIR="$HOME/.cache/wasinet/cri-tools-$CRITOOLS_VERSION/bin"
if [ ! -x "$CRITOOLS_DIR/crictl" ]; then
  say "building crictl $CRITOOLS_VERSION from the Go module proxy into $CRITOOLS_DIR"
  if ! GOTOOLCHAIN=local GOFLAGS= GOWORK=off GOBIN="$CRITOOLS_DIR" go install \
      "sigs.k8s.io/cri-tools/cmd/crictl@$CRITOOLS_VERSION"; then
    say "warning: could not build crictl $CRITOOLS_VERSION (the shim's CRI test needs it)"
  fi
fi

say "ready: $(go env GOVERSION), $(rustc --version | cut -d' ' -f1-2), $(cmake --version | head -1), clang $(clang --version | head -1 | sed -E 's/.*version ([0-9.]+).*/\1/')"
