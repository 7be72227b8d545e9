#pragma once
// Binds engine::HostFunctions to a wasmtime linker: the one trampoline
// shared by our own runner (wasmtime_engine.cc) and the public embedding
// API (src/embed/wasmtime_embed.cc). Only those two may include it: it
// brings in wasmtime's headers.
#include <atomic>
#include <wasmtime.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/engine.hh"

namespace wasinet::engine::binding {

// What the host functions of one guest share.
struct GuestState {
  void* host = nullptr;  // passed to every callback (our adapters: the wasi::Context)
  // Set by proc_exit, which then traps to unwind the guest.
  bool exited = false;
  int32_t exit_code = 0;
  // When it reads true at a host call's entry or return, the guest traps
  // (RunLimits::stop) and `stopped` is set.
  const std::atomic<bool>* stop = nullptr;
  bool stopped = false;
  std::atomic<uint64_t>* memory_gauge = nullptr;  // RunLimits::memory_gauge
  // Remember the caller's "memory" export after the first call instead of
  // looking it up by name on every call. Only sound when one instance in
  // one store makes every call (our runner); an embedder may link the same
  // functions into several instances, so it looks the memory up each time.
  bool cache_memory = false;
  bool memory_resolved = false;
  bool has_memory = false;
  wasmtime_memory_t memory{};
};

// The env of one defined function. Both pointers must stay valid for as
// long as the linker, or any instance made with it, may call the function.
struct BoundFunction {
  const HostFunction* function = nullptr;
  GuestState* state = nullptr;
};

// The most parameters a host function may take (wasinet_v0's widest has 10).
inline constexpr size_t kMaxParams = 16;

// The trap message of a guest stopped at a host call (GuestState::stop).
inline constexpr std::string_view kStopTrap = "wasinet: stopped";

// The trap message of proc_exit; the caller then finds state.exited set.
inline constexpr std::string_view kExitTrap = "wasinet: proc_exit";

// Defines bound.function on `linker` under its module and name. Throws
// wasinet::Error for a signature we cannot bind or a name already defined.
void define(wasmtime_linker_t* linker, BoundFunction& bound);

// Sets how much native stack wasm code may use (wasmtime_stack.cc), and
// the limit wasmtime 48 checks it against even without async support.
void set_max_wasm_stack(wasm_config_t* config, size_t bytes);

// An engine error or trap as text; takes ownership and deletes it.
std::string take_message(wasmtime_error_t* error);
std::string take_message(wasm_trap_t* trap);

}  // namespace wasinet::engine::binding
