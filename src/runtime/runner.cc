#include "runtime/runner.hh"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "abi/preview1.hh"
#include "abi/wasinet_v0.hh"
#include "engine/engine.hh"
#include "runtime/instance_setup.hh"
#include "runtime/limit_values.hh"
#include "runtime/module_loader.hh"
#include "runtime/run_timeout.hh"
#include "runtime/stop_signals.hh"
#include "wasinet/error.hh"

namespace wasinet::runtime {
namespace {

// Names every import we cannot satisfy before the engine would, so the
// message says which module and function are missing and nothing else.
void check_imports(const engine::Module& module, const abi::HostFunctions& functions,
                   const std::string& file) {
  std::set<std::pair<std::string, std::string>> provided;
  for (const auto& f : functions) provided.emplace(f.module, f.name);
  for (const engine::Import& imp : module.imports()) {
    if (!imp.is_function)
      throw Error(file + " imports " + imp.module + "::" + imp.name +
                  ", which is not a function; wasinet provides only functions");
    if (!provided.count({imp.module, imp.name}))
      throw Error(file + " imports function " + imp.module + "::" + imp.name +
                  ", which wasinet does not provide");
  }
}

void report_listeners(const SetupResult& setup, bool verbose) {
  for (const net::PreopenedListener& l : setup.listeners)
    if (l.port_chosen_by_system || verbose)
      std::fprintf(stderr, "wasinet: listening on %s (fd %u)\n", l.url.c_str(), l.fd);
}

// A guest that failed while its memory was close to --max-memory most
// likely failed for that (an allocation the cap refused): say so, as the
// guest's own message ("out of memory") does not name the cap. Close:
// within an eighth of the cap or 8 MiB, whichever is more, which covers
// the chunks allocators grow by (Go asks for 4 MiB arenas and more).
void report_memory_cap(const RunConfig& config, const engine::RunOutcome& outcome) {
  if (config.max_memory == 0 || outcome.memory_bytes == 0) return;
  const uint64_t margin = std::max<uint64_t>(config.max_memory / 8, uint64_t{8} << 20);
  if (outcome.memory_bytes + margin < config.max_memory) return;
  std::fprintf(stderr,
               "wasinet: the guest reached --max-memory %s (its memory: %.1f MiB; growing it "
               "further fails)\n",
               format_byte_size(config.max_memory).c_str(),
               static_cast<double>(outcome.memory_bytes) / (1 << 20));
}

// One line for a trap. Running out of stack is named as such, with the
// flag that sets the size: the engine's "call stack exhausted" would not
// say what to do.
void report_trap(const RunConfig& config, const engine::RunOutcome& outcome) {
  const std::string name = config.module.filename().string();
  if (outcome.stack_exhausted)
    std::fprintf(stderr, "wasinet: %s ran out of stack (--max-wasm-stack %s)\n", name.c_str(),
                 format_byte_size(config.max_wasm_stack).c_str());
  else
    std::fprintf(stderr, "wasinet: %s trapped: %s\n", name.c_str(), outcome.message.c_str());
}

// The guest did not unwind within the grace period after --timeout (it
// waits where neither the wake event nor the epoch reaches, as a blocking
// read of a terminal): end the process as a second SIGINT would.
[[noreturn]] void exit_stuck_after_timeout(const RunConfig& config, const SetupResult& setup) {
  remove_socket_files(setup);
  const std::string line = "wasinet: stopped: --timeout " + format_duration(config.timeout) +
                           " reached (forced: the guest did not stop)\n";
  [[maybe_unused]] ssize_t w = ::write(STDERR_FILENO, line.data(), line.size());
  ::_exit(kExitTimeout);
}

// A .cwasm carries the engine settings it was compiled with. One compiled
// with epoch checks runs without --timeout too (on an engine with them);
// one compiled without them cannot honour --timeout: say how to fix that.
engine::Module load_with_matching_engine(engine::Engine& engine,
                                         const engine::EngineOptions& options,
                                         const RunConfig& config, const LoadOptions& load) {
  try {
    return load_module(engine, config.module, load);
  } catch (const Error&) {
    if (!is_precompiled_file(config.module)) throw;
    engine::EngineOptions other = options;
    other.epoch_interruption = !options.epoch_interruption;
    engine::Engine alternative(other);
    bool loads = true;
    try {
      (void)alternative.deserialize_file(config.module);
    } catch (const Error&) {
      loads = false;
    }
    if (!loads) throw;  // not a matter of settings: the first error says what is wrong
    if (options.epoch_interruption)
      throw Error(config.module.string() +
                  " was compiled without the epoch checks --timeout needs: compile it with "
                  "`wasinet compile --interruptible`");
    engine = std::move(alternative);
    return load_module(engine, config.module, load);
  }
}

}  // namespace

int run(const RunConfig& config) {
  // Flags first (a --dir that does not exist), then the module.
  wasi::Context ctx;
  // The guest reaches only what config.net grants (deny by default).
  SetupResult setup = setup_context(ctx, config, policy_network(config.net));
  if (config.max_conns) ctx.fds.set_max_connections(config.max_conns);
  struct RemoveSocketFiles {
    const SetupResult& setup;
    ~RemoveSocketFiles() { remove_socket_files(setup); }
  } remove_socket_files_at_end{setup};

  // Epoch checks only when a time limit needs them: they slow guest code.
  // Without them a signal ends the process (see StopSignals).
  engine::EngineOptions engine_options;
  engine_options.epoch_interruption = config.timeout.count() > 0;
  engine_options.max_wasm_stack = static_cast<size_t>(config.max_wasm_stack);
  engine::Engine engine(engine_options);
  StopSignals stop(ctx.wake, engine, [&setup] { remove_socket_files(setup); });
  LoadOptions load;
  load.use_cache = config.use_cache;
  load.cache_dir = config.cache_dir;
  load.verbose = config.verbose;
  engine::Module module = load_with_matching_engine(engine, engine_options, config, load);

  abi::HostFunctions functions = abi::preview1_functions();
  abi::add_wasinet_v0(functions);
  check_imports(module, functions, config.module.string());
  report_listeners(setup, config.verbose);

  bool timed_out = false;
  engine::RunOutcome outcome;
  engine::RunLimits limits;
  limits.max_memory = config.max_memory;
  stop.guest_starting();
  {
    std::optional<RunTimeout> timeout;
    if (config.timeout.count() > 0)
      timeout.emplace(config.timeout, ctx.wake, [&engine] { engine.interrupt_all(); },
                      [&config, &setup] { exit_stuck_after_timeout(config, setup); });
    try {
      outcome = engine.run(module, functions, &ctx, limits);
    } catch (const engine::MemoryLimitError& e) {
      throw Error(config.module.string() + ": " + e.what() + " (--max-memory " +
                  format_byte_size(config.max_memory) + ")");
    } catch (const Error& e) {
      throw Error(config.module.string() + ": " + e.what());
    }
    timed_out = timeout && timeout->expired();
  }
  // A stopped guest ends however the stop reached it: an epoch trap, or
  // its own reaction to EINTR. Either way the signal decides the status,
  // as the shell expects of a program killed by it.
  if (int sig = stop.received()) {
    std::fprintf(stderr, "wasinet: stopped by %s\n", signal_name(sig));
    return 128 + sig;
  }
  if (timed_out) {
    std::fprintf(stderr, "wasinet: stopped: --timeout %s reached\n",
                 format_duration(config.timeout).c_str());
    return kExitTimeout;
  }
  const bool failed = outcome.kind == engine::RunOutcome::Kind::trapped ||
                      outcome.kind == engine::RunOutcome::Kind::interrupted ||
                      (outcome.kind == engine::RunOutcome::Kind::exited && outcome.exit_code != 0);
  if (outcome.kind == engine::RunOutcome::Kind::trapped ||
      outcome.kind == engine::RunOutcome::Kind::interrupted)
    report_trap(config, outcome);
  if (failed) report_memory_cap(config, outcome);
  switch (outcome.kind) {
    case engine::RunOutcome::Kind::returned: return 0;
    case engine::RunOutcome::Kind::exited: return outcome.exit_code;
    case engine::RunOutcome::Kind::interrupted:
    case engine::RunOutcome::Kind::trapped: return kExitTrap;
  }
  return kExitTrap;
}

}  // namespace wasinet::runtime
