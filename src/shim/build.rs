//! Links wasinet's C++ static libraries (built by CMake) into the shim.
//!
//! CMake (cmake/Shim.cmake) runs cargo with WASINET_SHIM_LINK_FILE naming a
//! file it generated: one library per line, in link order (the C API, the
//! core, then the shared system libraries they need). The C++ code refers to
//! wasmtime's `wasm_*`/`wasmtime_*` functions and the engine crate's
//! `wasinet_config_*`; they resolve to the engine crate this package depends
//! on (src/engine/wasmtime-crate, the one CMake links into `wasinet`), so the
//! binary holds one wasmtime.
use std::{env, fs, path::Path};

fn main() {
    link_wasinet();
    println!("cargo:rerun-if-changed=build.rs");
}

fn link_wasinet() {
    println!("cargo:rerun-if-env-changed=WASINET_SHIM_LINK_FILE");
    let list = env::var("WASINET_SHIM_LINK_FILE").unwrap_or_else(|_| {
        panic!(
            "WASINET_SHIM_LINK_FILE is not set: build the shim with `make shim` (or \
             `ninja -C build shim`), which builds wasinet's C++ libraries first"
        )
    });
    println!("cargo:rerun-if-changed={list}");
    let text = fs::read_to_string(&list).unwrap_or_else(|e| panic!("cannot read {list}: {e}"));
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let path = Path::new(line);
        let dir = path
            .parent()
            .expect("a library path has a directory")
            .display()
            .to_string();
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .expect("a library file name");
        println!("cargo:rustc-link-search=native={dir}");
        if let Some(name) = file.strip_prefix("lib").and_then(|f| f.strip_suffix(".a")) {
            println!("cargo:rerun-if-changed={line}");
            // wasinet_core whole: until the C API's functions use it (they
            // are designed, not written yet), nothing would pull its objects
            // in, and the link would not show that its wasmtime references
            // resolve to this crate's wasmtime. Drop `+whole-archive` once
            // src/capi calls into the core.
            let modifiers = if name == "wasinet_core" {
                ":+whole-archive"
            } else {
                ""
            };
            println!("cargo:rustc-link-lib=static{modifiers}={name}");
        } else if let Some(name) = file.strip_prefix("lib").and_then(|f| f.split(".so").next()) {
            println!("cargo:rustc-link-lib=dylib={name}");
        } else {
            panic!("{list}: cannot link {line} (expected lib*.a or lib*.so)");
        }
    }
    // The C++ runtime of the code above (CMake links it implicitly).
    println!("cargo:rustc-link-lib=dylib=stdc++");
}
