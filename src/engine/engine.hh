#pragma once
// The engine binding: compile, cache, instantiate and run a module with a set
// of host functions. Engine-neutral: it names no wasmtime type and no layer
// above it (host functions see guest memory as bytes; abi/host_function.hh
// makes the checked view). Only src/engine/ (and the wasmtime-facing
// embedding API, src/embed/) include engine headers, so another engine
// could stand behind this interface.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasinet/config.hh"
#include "wasinet/error.hh"

namespace wasinet::engine {

// The value types of host functions. `other` (f32, f64, v128, references)
// appears only in the signature of an import: no host function takes it.
enum class ValType : uint8_t { i32, i64, other };

// What a host function hands back to the engine.
struct HostReturn {
  uint64_t value = 0;          // the result, when the function has one
  const char* trap = nullptr;  // non-null: stop the guest with this message
  bool exit = false;           // proc_exit: stop the guest with `exit_code`
  int32_t exit_code = 0;
};

// A host function: `args` holds the parameters widened to 64 bits (i32 values
// zero-extended); `memory` is the calling instance's exported "memory" as it
// is during this call (empty if it has none).
using HostCallback = HostReturn (*)(void* host, std::span<uint8_t> memory, const uint64_t* args);

struct HostFunction {
  std::string module;
  std::string name;
  std::vector<ValType> params;
  std::vector<ValType> results;  // empty or one value
  HostCallback callback = nullptr;
};

struct Import {
  std::string module;
  std::string name;
  bool is_function = false;
  // The function's signature (for is_function): the host function linked
  // to it must have exactly this one.
  std::vector<ValType> params;
  std::vector<ValType> results;
};

struct EngineOptions {
  // Stop guests on an epoch deadline (see Engine::interrupt_all). The checks
  // it compiles in at every function entry and loop cost Go guests ~12% of
  // their compute speed, so `wasinet run` turns it on only for --timeout.
  bool epoch_interruption = true;
  // Bytes of native stack wasm code may use before it traps
  // (RunOutcome::stack_exhausted). Checked at run time, not compiled in, so
  // it is not part of fingerprint(): one cached module serves every size.
  size_t max_wasm_stack = kDefaultMaxWasmStack;
};

// Native stack kept for the host calls a guest makes, on top of
// max_wasm_stack: Engine::run runs the guest on a thread with both.
inline constexpr size_t kHostCallStack = size_t{4} << 20;

class Module;

// Caps on one guest run's store.
struct RunLimits {
  // Bytes each linear memory may reach: memory.grow beyond fails (returns
  // -1, as when the module's own maximum is reached). 0: no cap.
  uint64_t max_memory = 0;
  // When it reads true at the entry or the return of a host call, the
  // guest traps there (RunOutcome::stopped): how one guest is stopped
  // without epoch checks. Null: never. Must outlive the run.
  const std::atomic<bool>* stop = nullptr;
  // Kept equal to the size of the guest's memory as of its latest host call
  // (for --metrics). Null: not kept. Must outlive the run.
  std::atomic<uint64_t>* memory_gauge = nullptr;
};

// The module's memory starts above RunLimits::max_memory: it cannot run.
class MemoryLimitError : public Error {
 public:
  using Error::Error;
};

// How a guest run ended.
struct RunOutcome {
  enum class Kind { returned, exited, trapped, interrupted } kind = Kind::returned;
  int exit_code = 0;          // for `exited`
  std::string message;        // for `trapped`: the engine's reason, one line
  bool stack_exhausted = false;  // `trapped` because max_wasm_stack ran out
  bool stopped = false;  // `interrupted` because RunLimits::stop was set
  uint64_t memory_bytes = 0;  // the size of the guest's exported "memory" at the end
};

class Engine {
 public:
  explicit Engine(const EngineOptions& options = {});
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Identifies the engine version and every setting that changes generated
  // code: part of the compiled-module cache key.
  const std::string& fingerprint() const;

  // Throws wasinet::Error with a one-line reason on invalid wasm.
  Module compile(std::span<const uint8_t> wasm) const;
  // Loads a module precompiled by this engine (serialize()); throws
  // wasinet::Error when it was built by an incompatible engine or config.
  Module deserialize_file(const std::filesystem::path& path) const;

  // Instantiates `module` with `functions` (every import must be among
  // them) and runs its `_start` export, on a thread of its own whose stack
  // holds max_wasm_stack + kHostCallStack. `host` is passed to each callback.
  // Throws wasinet::Error for failures before the guest starts running
  // (MemoryLimitError when its initial memory is above limits.max_memory).
  RunOutcome run(const Module& module, std::span<const HostFunction> functions, void* host,
                 const RunLimits& limits = {}) const;

  // Makes every running guest of this engine stop at its next epoch check.
  // Does nothing for an engine made without epoch_interruption.
  void interrupt_all() const;
  // Whether interrupt_all() can stop a guest (epoch_interruption is on).
  bool interruptible() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

class Module {
 public:
  ~Module();
  Module(Module&&) noexcept;
  Module& operator=(Module&&) noexcept;

  std::vector<Import> imports() const;
  std::vector<uint8_t> serialize() const;

  struct Impl;
  explicit Module(std::unique_ptr<Impl> impl);
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Converts WebAssembly text to binary (for tests and small fixtures); throws
// wasinet::Error with the parser's message.
std::vector<uint8_t> wat_to_wasm(std::string_view wat);

// Bytes that mark a serialized module (an ELF image marked as wasmtime's),
// as opposed to wasm or to a native program.
bool looks_precompiled(std::span<const uint8_t> bytes);

// Bytes that start an ELF file: a precompiled module or a native program.
bool looks_elf(std::span<const uint8_t> bytes);

}  // namespace wasinet::engine
