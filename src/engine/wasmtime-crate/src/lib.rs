//! Re-exports wasmtime's C API so that this crate's static library carries
//! every `wasm_*`/`wasmtime_*` symbol that CMake links against, plus one
//! setter the C API lacks in our configuration.
pub use wasmtime_c_api::*;

/// Sets the config's `async_stack_size`. wasmtime 48 refuses an engine whose
/// `max_wasm_stack` exceeds it (2 MiB by default) even when, as here, async
/// support is compiled out, and its C API offers the setter only with the
/// `async` feature. wasinet runs Go guests with 8 MiB of wasm stack, so it
/// raises this limit to match; nothing else reads it without async.
///
/// # Safety
/// `config` must point to a live `wasm_config_t` (from `wasm_config_new`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasinet_config_async_stack_size_set(config: *mut wasm_config_t, size: usize) {
    // wasm_config_t is #[repr(C)] with the engine's Config as its first
    // field, so a pointer to it is a pointer to that Config. `wasmtime` here
    // is the very crate the C API uses (one version, pinned with `=`).
    let config = unsafe { &mut *(config as *mut wasmtime::Config) };
    config.async_stack_size(size);
}
