#include "engine/wasmtime_binding.hh"

#include <cstring>

#include "wasinet/error.hh"

namespace wasinet::engine::binding {
namespace {

wasm_valtype_t* to_engine(ValType t) {
  return wasm_valtype_new(t == ValType::i32 ? WASM_I32 : WASM_I64);
}

std::span<uint8_t> caller_memory(wasmtime_caller_t* caller, wasmtime_context_t* context,
                               GuestState& state) {
  if (!state.cache_memory || !state.memory_resolved) {
    state.has_memory = false;
    wasmtime_extern_t item;
    if (wasmtime_caller_export_get(caller, "memory", 6, &item)) {
      if (item.kind == WASMTIME_EXTERN_MEMORY) {
        state.memory = item.of.memory;
        state.has_memory = true;
      }
      wasmtime_extern_delete(&item);
    }
    state.memory_resolved = true;
  }
  if (!state.has_memory) return {};
  // Looked up on every call: memory.grow may have moved or grown it.
  return {wasmtime_memory_data(context, &state.memory),
          wasmtime_memory_data_size(context, &state.memory)};
}

bool stop_requested(const GuestState& state) {
  return state.stop && state.stop->load(std::memory_order_relaxed);
}

wasm_trap_t* stop_trap(GuestState& state) {
  state.stopped = true;
  return wasmtime_trap_new(kStopTrap.data(), kStopTrap.size());
}

// The engine's raw calling convention: no allocation, no type checks at
// run time (the linker checked the signature when it linked the import).
wasm_trap_t* trampoline(void* env, wasmtime_caller_t* caller, wasmtime_val_raw_t* values,
                        size_t /*count*/) {
  const auto* bound = static_cast<const BoundFunction*>(env);
  const HostFunction& fn = *bound->function;
  GuestState& state = *bound->state;
  if (stop_requested(state)) return stop_trap(state);
  wasmtime_context_t* context = wasmtime_caller_context(caller);
  const std::span<uint8_t> memory = caller_memory(caller, context, state);
  if (state.memory_gauge) state.memory_gauge->store(memory.size(), std::memory_order_relaxed);
  uint64_t args[kMaxParams];
  const size_t n = fn.params.size();  // checked against kMaxParams in define()
  for (size_t i = 0; i < n; ++i) {
    args[i] = fn.params[i] == ValType::i32 ? uint64_t{static_cast<uint32_t>(values[i].i32)}
                                           : static_cast<uint64_t>(values[i].i64);
  }
  HostReturn r = fn.callback(state.host, memory, args);
  if (r.exit) {
    state.exited = true;
    state.exit_code = r.exit_code;
    return wasmtime_trap_new(kExitTrap.data(), kExitTrap.size());
  }
  if (r.trap) return wasmtime_trap_new(r.trap, std::strlen(r.trap));
  // A stop that came while the call waited: the guest ends before it acts
  // on the EINTR it would get.
  if (stop_requested(state)) return stop_trap(state);
  if (!fn.results.empty()) {
    if (fn.results[0] == ValType::i32)
      values[0].i32 = static_cast<int32_t>(r.value);
    else
      values[0].i64 = static_cast<int64_t>(r.value);
  }
  return nullptr;
}

}  // namespace

void define(wasmtime_linker_t* linker, BoundFunction& bound) {
  const HostFunction& fn = *bound.function;
  if (fn.params.size() > kMaxParams || fn.results.size() > 1)
    throw Error("host function " + fn.module + "::" + fn.name + " has an unsupported signature");
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new_uninitialized(&params, fn.params.size());
  for (size_t i = 0; i < fn.params.size(); ++i) params.data[i] = to_engine(fn.params[i]);
  wasm_valtype_vec_new_uninitialized(&results, fn.results.size());
  for (size_t i = 0; i < fn.results.size(); ++i) results.data[i] = to_engine(fn.results[i]);
  wasm_functype_t* type = wasm_functype_new(&params, &results);
  wasmtime_error_t* e = wasmtime_linker_define_func_unchecked(
      linker, fn.module.data(), fn.module.size(), fn.name.data(), fn.name.size(), type, trampoline,
      &bound, nullptr);
  wasm_functype_delete(type);
  if (e) throw Error("cannot define " + fn.module + "::" + fn.name + ": " + take_message(e));
}

std::string take_message(wasmtime_error_t* error) {
  wasm_name_t msg;
  wasmtime_error_message(error, &msg);
  std::string out(msg.data, msg.size);
  wasm_byte_vec_delete(&msg);
  wasmtime_error_delete(error);
  return out;
}

std::string take_message(wasm_trap_t* trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  std::string out(msg.data, msg.size);
  // wasm_message_t includes the terminating NUL.
  while (!out.empty() && out.back() == '\0') out.pop_back();
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(trap);
  return out;
}

}  // namespace wasinet::engine::binding
