#!/usr/bin/env bash
# Builds one Rust guest for wasm32-wasi with Debian's rustc (the only Rust
# here with a wasm32 standard library: packages rustc, cargo,
# libstd-rust-dev-wasm32, installed by scripts/setup.sh).
#
#   build.sh CRATE_DIR OUT.wasm TARGET_DIR
#
# Debian's cargo (1.65) cannot read the registry's sparse index, so the
# crates named in the guest's Cargo.lock are first vendored by the rustup
# cargo (which builds wasmtime too) into a cache outside the clone, keyed by
# the lock file; Debian's cargo then builds offline from there.
set -euo pipefail

crate=$(cd "$1" && pwd)
out=$2
target_dir=$3

debian_rustc=/usr/bin/rustc
debian_cargo=/usr/bin/cargo
rustup_cargo=${RUSTUP_CARGO:-$HOME/.cargo/bin/cargo}
for tool in "$debian_rustc" "$debian_cargo" "$rustup_cargo"; do
  [ -x "$tool" ] || { echo "build.sh: $tool not found (run scripts/setup.sh)" >&2; exit 1; }
done

key=$(sha256sum "$crate/Cargo.lock" | cut -c1-16)
vendor="${XDG_CACHE_HOME:-$HOME/.cache}/wasinet/rust-guest-vendor/$key"
if [ ! -f "$vendor/.complete" ]; then
  rm -rf "$vendor.tmp"
  mkdir -p "$(dirname "$vendor")"
  "$rustup_cargo" vendor --quiet --locked --manifest-path "$crate/Cargo.toml" "$vendor.tmp" >/dev/null
  touch "$vendor.tmp/.complete"
  rm -rf "$vendor"
  mv "$vendor.tmp" "$vendor"
fi

# A CARGO_HOME of its own: nothing of the rustup installation's config or
# registry is read.
export CARGO_HOME="$target_dir/cargo-home"
mkdir -p "$CARGO_HOME"
RUSTC="$debian_rustc" "$debian_cargo" build --offline --locked --release --quiet \
  --target wasm32-wasi \
  --manifest-path "$crate/Cargo.toml" \
  --target-dir "$target_dir" \
  --config 'source.crates-io.replace-with="vendored"' \
  --config "source.vendored.directory=\"$vendor\""
name=$(sed -n 's/^name = "\(.*\)"/\1/p' "$crate/Cargo.toml" | head -1)
cp "$target_dir/wasm32-wasi/release/$name.wasm" "$out"
