// engine/engine.hh on wasmtime: the engine, compiling, (de)serializing and
// running modules. Host functions are bound by wasmtime_binding.cc; the
// embedding API (src/embed/) is the only other code that sees wasmtime.
#include <wasmtime.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <cctype>
#include <cstring>

#include "engine/engine.hh"
#include "engine/wasmtime_binding.hh"
#include "os/stack_thread.hh"
#include "wasinet/error.hh"

namespace wasinet::engine {
namespace {

using binding::take_message;

// One line from an engine message: its first line, plus the innermost
// "Caused by" entry when there is one (that is where the useful detail is,
// e.g. "unexpected end-of-file (at offset 0x64)"); backtraces are dropped.
std::string first_line(const std::string& s) {
  auto trim = [](std::string x) {
    x.erase(0, x.find_first_not_of(" \t"));
    if (x.size() > 3 && isdigit(static_cast<unsigned char>(x[0])) && x.find(": ") != std::string::npos &&
        x.find(": ") < 4)
      x.erase(0, x.find(": ") + 2);  // "0: reason" list numbering
    return x;
  };
  auto nl = s.find('\n');
  std::string head = s.substr(0, nl);
  auto caused = s.find("Caused by:");
  if (caused == std::string::npos) return head;
  std::string cause;
  size_t pos = s.find('\n', caused);
  while (pos != std::string::npos && pos + 1 < s.size()) {
    size_t end = s.find('\n', pos + 1);
    std::string line = trim(s.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1));
    if (line.empty() || line.rfind("Stack backtrace", 0) == 0) break;
    cause = line;
    pos = end;
  }
  if (cause.empty()) return head;
  // A trap's head only announces the backtrace we drop: keep the reason.
  if (head.rfind("error while executing at wasm backtrace", 0) == 0) return cause;
  return head + ": " + cause;
}

std::string name_of(const wasm_name_t* n) { return std::string(n->data, n->size); }

std::vector<ValType> value_types(const wasm_valtype_vec_t* types) {
  std::vector<ValType> out;
  for (size_t i = 0; i < types->size; ++i) {
    const wasm_valkind_t kind = wasm_valtype_kind(types->data[i]);
    out.push_back(kind == WASM_I32 ? ValType::i32 : kind == WASM_I64 ? ValType::i64 : ValType::other);
  }
  return out;
}

bool exports_function(const wasmtime_module_t* module, std::string_view name) {
  wasm_exporttype_vec_t vec;
  wasmtime_module_exports(module, &vec);
  bool found = false;
  for (size_t i = 0; i < vec.size && !found; ++i) {
    const wasm_name_t* n = wasm_exporttype_name(vec.data[i]);
    found = std::string_view(n->data, n->size) == name &&
            wasm_externtype_kind(wasm_exporttype_type(vec.data[i])) == WASM_EXTERN_FUNC;
  }
  wasm_exporttype_vec_delete(&vec);
  return found;
}

// "64 MiB", "1.5 GiB", "65536 bytes": for messages.
std::string byte_size(uint64_t bytes) {
  static const char* const units[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024 || bytes % 1024 != 0) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes) / 1024;
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, v == static_cast<double>(static_cast<uint64_t>(v)) ? "%.0f %s" : "%.1f %s",
                v, units[u]);
  return buf;
}

// A module whose memory starts above the cap cannot run at all: say so
// before wasmtime's generic instantiation error.
void check_initial_memory(const wasmtime_module_t* module, uint64_t max_memory) {
  auto check = [&](const wasm_externtype_t* type) {
    if (wasm_externtype_kind(type) != WASM_EXTERN_MEMORY) return;
    const wasm_memorytype_t* mt = wasm_externtype_as_memorytype_const(type);
    const uint64_t pages = wasmtime_memorytype_minimum(mt);
    constexpr uint64_t kPage = 65536;
    if (pages > max_memory / kPage)
      throw MemoryLimitError("its memory starts at " + byte_size(pages * kPage) + " (" +
                             std::to_string(pages) + " pages), above the memory cap of " +
                             byte_size(max_memory));
  };
  wasm_exporttype_vec_t exports;
  wasmtime_module_exports(module, &exports);
  wasm_importtype_vec_t imports;
  wasmtime_module_imports(module, &imports);
  struct Free {
    wasm_exporttype_vec_t& e;
    wasm_importtype_vec_t& i;
    ~Free() {
      wasm_exporttype_vec_delete(&e);
      wasm_importtype_vec_delete(&i);
    }
  } free_vecs{exports, imports};
  for (size_t k = 0; k < exports.size; ++k) check(wasm_exporttype_type(exports.data[k]));
  for (size_t k = 0; k < imports.size; ++k) check(wasm_importtype_type(imports.data[k]));
}

// The size of the instance's exported "memory" now; 0 without one.
uint64_t exported_memory_bytes(wasmtime_context_t* context, wasmtime_instance_t& instance) {
  wasmtime_extern_t item;
  if (!wasmtime_instance_export_get(context, &instance, "memory", 6, &item)) return 0;
  uint64_t bytes = 0;
  if (item.kind == WASMTIME_EXTERN_MEMORY) bytes = wasmtime_memory_data_size(context, &item.of.memory);
  wasmtime_extern_delete(&item);
  return bytes;
}

}  // namespace

struct Engine::Impl {
  wasm_engine_t* engine = nullptr;
  std::string fingerprint;
  bool epoch_interruption = false;
  size_t max_wasm_stack = 0;
  ~Impl() {
    if (engine) wasm_engine_delete(engine);
  }
};

struct Module::Impl {
  wasmtime_module_t* module = nullptr;
  ~Impl() {
    if (module) wasmtime_module_delete(module);
  }
};

Engine::Engine(const EngineOptions& options) : impl_(std::make_unique<Impl>()) {
  wasm_config_t* config = wasm_config_new();
  wasmtime_config_strategy_set(config, WASMTIME_STRATEGY_CRANELIFT);
  wasmtime_config_cranelift_opt_level_set(config, WASMTIME_OPT_LEVEL_SPEED);
  wasmtime_config_epoch_interruption_set(config, options.epoch_interruption);
  binding::set_max_wasm_stack(config, options.max_wasm_stack);
  impl_->engine = wasm_engine_new_with_config(config);
  if (!impl_->engine) throw Error("cannot create the wasmtime engine");
  impl_->epoch_interruption = options.epoch_interruption;
  impl_->max_wasm_stack = options.max_wasm_stack;
  impl_->fingerprint = std::string("wasmtime-") + WASMTIME_VERSION + "-cranelift-speed" +
                       (options.epoch_interruption ? "-epoch" : "");
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const std::string& Engine::fingerprint() const { return impl_->fingerprint; }

Module Engine::compile(std::span<const uint8_t> wasm) const {
  auto m = std::make_unique<Module::Impl>();
  if (wasmtime_error_t* e = wasmtime_module_new(impl_->engine, wasm.data(), wasm.size(), &m->module))
    throw Error("not a valid WebAssembly module: " + first_line(take_message(e)));
  return Module(std::move(m));
}

Module Engine::deserialize_file(const std::filesystem::path& path) const {
  auto m = std::make_unique<Module::Impl>();
  if (wasmtime_error_t* e =
          wasmtime_module_deserialize_file(impl_->engine, path.c_str(), &m->module))
    throw Error("cannot load precompiled module " + path.string() +
                " (built by another wasinet version or configuration? recompile it with "
                "`wasinet compile`): " + first_line(take_message(e)));
  return Module(std::move(m));
}

void Engine::interrupt_all() const { wasmtime_engine_increment_epoch(impl_->engine); }

bool Engine::interruptible() const { return impl_->epoch_interruption; }

namespace {

// One guest run's store and linker, deleted together.
struct StoreAndLinker {
  StoreAndLinker(wasm_engine_t* engine, const RunLimits& limits)
      : store(wasmtime_store_new(engine, nullptr, nullptr)),
        context(wasmtime_store_context(store)),
        linker(wasmtime_linker_new(engine)) {
    if (limits.max_memory)
      wasmtime_store_limiter(
          store, static_cast<int64_t>(std::min<uint64_t>(limits.max_memory, INT64_MAX)), -1, -1,
          -1, -1);
    // interrupt_all() advances the epoch by one: the guest then traps at
    // its next epoch check (a loop header or function entry). Nothing else
    // advances it, so an uninterrupted guest never reaches this deadline.
    wasmtime_context_set_epoch_deadline(context, 1);
  }
  ~StoreAndLinker() {
    wasmtime_linker_delete(linker);
    wasmtime_store_delete(store);
  }
  StoreAndLinker(const StoreAndLinker&) = delete;
  StoreAndLinker& operator=(const StoreAndLinker&) = delete;

  wasmtime_store_t* store;
  wasmtime_context_t* context;
  wasmtime_linker_t* linker;
};

// Instantiates `module`; the trap of its own start function, if it had
// one and it trapped (null otherwise). Throws for a module that cannot be
// instantiated (MemoryLimitError when a memory the exports and imports do
// not show hits the cap).
wasm_trap_t* instantiate(StoreAndLinker& s, const wasmtime_module_t* module,
                         const RunLimits& limits, wasmtime_instance_t& instance) {
  wasm_trap_t* trap = nullptr;
  if (wasmtime_error_t* e =
          wasmtime_linker_instantiate(s.linker, s.context, module, &instance, &trap)) {
    const std::string reason = first_line(take_message(e));
    if (limits.max_memory && reason.find("memory") != std::string::npos)
      throw MemoryLimitError("cannot instantiate module: " + reason + " (memory cap " +
                             byte_size(limits.max_memory) + ")");
    throw Error("cannot instantiate module: " + reason);
  }
  return trap;
}

// How a guest that did not return ended, from the trap or the error its
// call gave back (exactly one of them; a trap raised by a host function,
// proc_exit among them, may come back as either): proc_exit, the epoch
// (interrupted), or a trap. Takes ownership of both.
RunOutcome ended(const binding::GuestState& state, wasm_trap_t* trap, wasmtime_error_t* error) {
  RunOutcome out;
  if (state.exited) {
    if (trap) wasm_trap_delete(trap);
    if (error) wasmtime_error_delete(error);
    out.kind = RunOutcome::Kind::exited;
    out.exit_code = state.exit_code;
    return out;
  }
  if (state.stopped) {
    if (trap) wasm_trap_delete(trap);
    if (error) wasmtime_error_delete(error);
    out.kind = RunOutcome::Kind::interrupted;
    out.stopped = true;
    out.message = "stopped";
    return out;
  }
  wasmtime_trap_code_t code;
  const bool coded = trap && wasmtime_trap_code(trap, &code);
  out.kind = coded && code == WASMTIME_TRAP_CODE_INTERRUPT ? RunOutcome::Kind::interrupted
                                                            : RunOutcome::Kind::trapped;
  out.stack_exhausted = coded && code == WASMTIME_TRAP_CODE_STACK_OVERFLOW;
  if (trap) {
    out.message = first_line(take_message(trap));
    if (error) wasmtime_error_delete(error);
  } else {
    out.message = first_line(take_message(error));
  }
  return out;
}

// Runs what the instance exports of _initialize (reactors) and _start
// (commands), in that order, until one does not return.
RunOutcome call_entry_points(wasmtime_context_t* context, wasmtime_instance_t& instance,
                             const binding::GuestState& state) {
  for (std::string_view entry : {"_initialize", "_start"}) {
    wasmtime_extern_t item;
    if (!wasmtime_instance_export_get(context, &instance, entry.data(), entry.size(), &item))
      continue;
    if (item.kind != WASMTIME_EXTERN_FUNC) {  // an _initialize that is no function
      wasmtime_extern_delete(&item);
      continue;
    }
    wasm_trap_t* trap = nullptr;
    wasmtime_error_t* e = wasmtime_func_call(context, &item.of.func, nullptr, 0, nullptr, 0, &trap);
    wasmtime_extern_delete(&item);
    if (e || trap) return ended(state, trap, e);
  }
  return RunOutcome{};
}

// Engine::run's work, on the thread it made.
RunOutcome run_on_this_thread(wasm_engine_t* engine, const Module& module,
                              std::span<const HostFunction> functions, void* host,
                              const RunLimits& limits) {
  const wasmtime_module_t* compiled = module.impl().module;
  if (limits.max_memory) check_initial_memory(compiled, limits.max_memory);
  if (!exports_function(compiled, "_start"))
    throw Error("the module exports no _start function: it is not a WASI command "
                "(a reactor or a library cannot be run)");

  binding::GuestState state;
  state.host = host;
  state.cache_memory = true;  // one instance makes every call
  state.stop = limits.stop;
  state.memory_gauge = limits.memory_gauge;
  StoreAndLinker s(engine, limits);
  std::vector<binding::BoundFunction> bound;
  bound.reserve(functions.size());  // the linker keeps pointers into it
  for (const HostFunction& fn : functions) {
    bound.push_back({&fn, &state});
    binding::define(s.linker, bound.back());
  }

  wasmtime_instance_t instance;
  // The module's own start function trapped: `instance` was never set.
  if (wasm_trap_t* trap = instantiate(s, compiled, limits, instance))
    return ended(state, trap, nullptr);
  RunOutcome outcome = call_entry_points(s.context, instance, state);
  outcome.memory_bytes = exported_memory_bytes(s.context, instance);
  return outcome;
}

}  // namespace

// wasm code runs on the native stack of the thread that calls into it, and
// wasmtime only checks it against max_wasm_stack: the main thread's stack
// (ulimit -s, often 8 MiB) could run out first, which would crash the host.
// So the guest gets a thread whose stack holds both the wasm stack and the
// host calls made from it.
RunOutcome Engine::run(const Module& module, std::span<const HostFunction> functions,
                       void* host, const RunLimits& limits) const {
  RunOutcome outcome;
  os::run_with_stack(impl_->max_wasm_stack + kHostCallStack, [&] {
    outcome = run_on_this_thread(impl_->engine, module, functions, host, limits);
  });
  return outcome;
}

Module::Module(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Module::~Module() = default;
Module::Module(Module&&) noexcept = default;
Module& Module::operator=(Module&&) noexcept = default;

std::vector<Import> Module::imports() const {
  wasm_importtype_vec_t vec;
  wasmtime_module_imports(impl_->module, &vec);
  std::vector<Import> out;
  for (size_t i = 0; i < vec.size; ++i) {
    const wasm_importtype_t* imp = vec.data[i];
    const wasm_externtype_t* type = wasm_importtype_type(imp);
    Import item{name_of(wasm_importtype_module(imp)), name_of(wasm_importtype_name(imp)),
                wasm_externtype_kind(type) == WASM_EXTERN_FUNC, {}, {}};
    if (item.is_function) {
      const wasm_functype_t* fn = wasm_externtype_as_functype_const(type);
      item.params = value_types(wasm_functype_params(fn));
      item.results = value_types(wasm_functype_results(fn));
    }
    out.push_back(std::move(item));
  }
  wasm_importtype_vec_delete(&vec);
  return out;
}

std::vector<uint8_t> Module::serialize() const {
  wasm_byte_vec_t bytes;
  if (wasmtime_error_t* e = wasmtime_module_serialize(impl_->module, &bytes))
    throw Error("cannot serialize module: " + take_message(e));
  std::vector<uint8_t> out(bytes.data, bytes.data + bytes.size);
  wasm_byte_vec_delete(&bytes);
  return out;
}

std::vector<uint8_t> wat_to_wasm(std::string_view wat) {
  wasm_byte_vec_t out;
  if (wasmtime_error_t* e = wasmtime_wat2wasm(wat.data(), wat.size(), &out))
    throw Error("invalid WebAssembly text: " + take_message(e));
  std::vector<uint8_t> bytes(out.data, out.data + out.size);
  wasm_byte_vec_delete(&out);
  return bytes;
}

bool looks_elf(std::span<const uint8_t> bytes) {
  return bytes.size() >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' &&
         bytes[3] == 'F';
}

// wasmtime marks its ELF images with an OS/ABI byte of its own
// (ELFOSABI_WASMTIME, 200) and refuses any ELF without it: a host program
// such as /bin/ls is an ELF file, not a precompiled module.
bool looks_precompiled(std::span<const uint8_t> bytes) {
  constexpr uint8_t kElfOsAbiWasmtime = 200;
  return looks_elf(bytes) && bytes.size() >= 8 && bytes[7] == kElfOsAbiWasmtime;
}

}  // namespace wasinet::engine
