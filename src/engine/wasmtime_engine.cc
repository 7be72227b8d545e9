// The wasmtime binding: the only file that includes engine headers.
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

Module Engine::deserialize(std::span<const uint8_t> bytes) const {
  auto m = std::make_unique<Module::Impl>();
  if (wasmtime_error_t* e =
          wasmtime_module_deserialize(impl_->engine, bytes.data(), bytes.size(), &m->module))
    throw Error("cannot load precompiled module (built by another wasinet version or "
                "configuration? recompile it with `wasinet compile`): " +
                first_line(take_message(e)));
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
// Engine::run's work, on the thread it made.
RunOutcome run_on_this_thread(const Engine::Impl& impl, const Module& module,
                              std::span<const HostFunction> functions, void* host,
                              const RunLimits& limits) {
  if (limits.max_memory) check_initial_memory(module.impl().module, limits.max_memory);
  binding::GuestState data;
  data.host = host;
  data.cache_memory = true;  // one instance makes every call
  wasmtime_store_t* store = wasmtime_store_new(impl.engine, nullptr, nullptr);
  if (limits.max_memory)
    wasmtime_store_limiter(store, static_cast<int64_t>(std::min<uint64_t>(limits.max_memory, INT64_MAX)),
                           -1, -1, -1, -1);
  wasmtime_context_t* context = wasmtime_store_context(store);
  wasmtime_linker_t* linker = wasmtime_linker_new(impl.engine);
  struct Cleanup {
    wasmtime_store_t* store;
    wasmtime_linker_t* linker;
    ~Cleanup() {
      wasmtime_linker_delete(linker);
      wasmtime_store_delete(store);
    }
  } cleanup{store, linker};

  if (!exports_function(module.impl().module, "_start"))
    throw Error("the module exports no _start function: it is not a WASI command "
                "(a reactor or a library cannot be run)");

  // interrupt_all() advances the epoch by one: the guest then traps at its
  // next epoch check (a loop header or function entry). Nothing else
  // advances it, so an uninterrupted guest never reaches this deadline.
  wasmtime_context_set_epoch_deadline(context, 1);

  std::vector<binding::BoundFunction> bound;
  bound.reserve(functions.size());  // the linker keeps pointers into it
  for (const HostFunction& fn : functions) {
    bound.push_back({&fn, &data});
    binding::define(linker, bound.back());
  }

  wasmtime_instance_t instance;
  wasm_trap_t* trap = nullptr;
  if (wasmtime_error_t* e =
          wasmtime_linker_instantiate(linker, context, module.impl().module, &instance, &trap)) {
    const std::string reason = first_line(take_message(e));
    // A memory the exports and imports do not show hits the cap here.
    if (limits.max_memory && reason.find("memory") != std::string::npos)
      throw MemoryLimitError("cannot instantiate module: " + reason + " (memory cap " +
                             byte_size(limits.max_memory) + ")");
    throw Error("cannot instantiate module: " + reason);
  }

  RunOutcome outcome;
  // Every way out after instantiation reports how large the memory grew.
  auto finished = [&]() -> RunOutcome {
    outcome.memory_bytes = exported_memory_bytes(context, instance);
    return outcome;
  };
  auto finish = [&](wasm_trap_t* t) {
    if (!t) return false;
    if (data.exited) {
      wasm_trap_delete(t);
      outcome.kind = RunOutcome::Kind::exited;
      outcome.exit_code = data.exit_code;
      return true;
    }
    wasmtime_trap_code_t code;
    const bool coded = wasmtime_trap_code(t, &code);
    bool interrupted = coded && code == WASMTIME_TRAP_CODE_INTERRUPT;
    outcome.kind = interrupted ? RunOutcome::Kind::interrupted : RunOutcome::Kind::trapped;
    outcome.stack_exhausted = coded && code == WASMTIME_TRAP_CODE_STACK_OVERFLOW;
    outcome.message = first_line(take_message(t));
    return true;
  };
  // The module's own start function trapped: `instance` was never set.
  if (finish(trap)) return outcome;

  // Reactors export _initialize; commands export _start. Run what is there.
  for (std::string_view entry : {"_initialize", "_start"}) {
    wasmtime_extern_t item;
    if (!wasmtime_instance_export_get(context, &instance, entry.data(), entry.size(), &item))
      continue;
    if (item.kind != WASMTIME_EXTERN_FUNC) {  // an _initialize that is no function
      wasmtime_extern_delete(&item);
      continue;
    }
    trap = nullptr;
    wasmtime_error_t* e = wasmtime_func_call(context, &item.of.func, nullptr, 0, nullptr, 0, &trap);
    wasmtime_extern_delete(&item);
    if (e) {
      // A trap raised by a host function (proc_exit among them) comes back
      // as an error, as does a call that could not start (wrong signature).
      if (data.exited) {
        wasmtime_error_delete(e);
        outcome.kind = RunOutcome::Kind::exited;
        outcome.exit_code = data.exit_code;
      } else {
        outcome.kind = RunOutcome::Kind::trapped;
        outcome.message = first_line(take_message(e));
      }
      return finished();
    }
    if (finish(trap)) return finished();
  }
  return finished();
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
    outcome = run_on_this_thread(*impl_, module, functions, host, limits);
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
    out.push_back({name_of(wasm_importtype_module(imp)), name_of(wasm_importtype_name(imp)),
                   wasm_externtype_kind(type) == WASM_EXTERN_FUNC});
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
