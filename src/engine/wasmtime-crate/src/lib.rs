//! Re-exports wasmtime's C API so that this crate's static library carries
//! every `wasm_*`/`wasmtime_*` symbol that CMake links against.
pub use wasmtime_c_api::*;
