// The wasm stack size of an engine config. wasmtime refuses an engine whose
// max_wasm_stack exceeds its async_stack_size (2 MiB by default), even with
// async support compiled out, and its C API sets the latter only in an
// async build; our engine crate adds that one setter (src/engine/
// wasmtime-crate/src/lib.rs). Nothing else reads it in our build.
#include <wasmtime.h>

#include "engine/wasmtime_binding.hh"

extern "C" void wasinet_config_async_stack_size_set(wasm_config_t* config, size_t size);

namespace wasinet::engine::binding {

void set_max_wasm_stack(wasm_config_t* config, size_t bytes) {
  wasinet_config_async_stack_size_set(config, bytes);
  wasmtime_config_max_wasm_stack_set(config, bytes);
}

}  // namespace wasinet::engine::binding
