//! Hands the C API headers' location to CMake.
//!
//! wasmtime-c-api-impl generates its headers (including `wasmtime/conf.h`)
//! into its own build output and exposes that directory only to dependent
//! build scripts, as `DEP_WASMTIME_C_API_INCLUDE`. CMake cannot see that
//! variable, so we write it to `<target>/<profile>/wasmtime-include-dir.txt`.
use std::{env, fs, path::PathBuf};

fn main() {
    let include = env::var("DEP_WASMTIME_C_API_INCLUDE")
        .expect("wasmtime-c-api-impl did not export DEP_WASMTIME_C_API_INCLUDE");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR unset"));
    // OUT_DIR is <target>/<profile>/build/<pkg>-<hash>/out.
    let profile_dir = out_dir
        .ancestors()
        .nth(3)
        .expect("unexpected OUT_DIR layout")
        .to_path_buf();
    let marker = profile_dir.join("wasmtime-include-dir.txt");
    fs::write(&marker, include).expect("cannot write wasmtime-include-dir.txt");
    // Regenerate the marker if someone deletes it.
    println!("cargo:rerun-if-changed={}", marker.display());
    println!("cargo:rerun-if-changed=build.rs");
}
