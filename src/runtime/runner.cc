#include "runtime/runner.hh"

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <cstdio>
#include <string>
#include <utility>

#include "abi/host_modules.hh"
#include "engine/engine.hh"
#include "metrics/counters.hh"
#include "runtime/guest.hh"
#include "runtime/metrics_registry.hh"
#include "runtime/metrics_server.hh"
#include "runtime/limit_values.hh"
#include "runtime/module_loader.hh"
#include "runtime/run_timeout.hh"
#include "runtime/stop_signals.hh"
#include "wasinet/error.hh"

namespace wasinet::runtime {
namespace {

// Before an _exit (a stuck guest, a second signal): nothing else will.
void remove_socket_files(const Guest& guest) noexcept {
  if (guest.listeners()) guest.listeners()->remove_socket_files();
}

void report_listeners(const Guest& guest, bool verbose) {
  for (const GuestListener& l : guest.listening())
    if (l.host->port_chosen_by_system || verbose)
      std::fprintf(stderr, "wasinet: listening on %s (fd %u)\n", l.host->url.c_str(), l.fd);
}

// A guest that failed while its memory was close to --max-memory most
// likely failed for that (an allocation the cap refused): say so, as the
// guest's own message ("out of memory") does not name the cap. Close:
// within an eighth of the cap or 8 MiB, whichever is more, which covers
// the chunks allocators grow by (Go asks for 4 MiB arenas and more).
void report_memory_cap(const GuestOptions& config, const engine::RunOutcome& outcome) {
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
void report_trap(const std::filesystem::path& module, const GuestOptions& config,
                 const engine::RunOutcome& outcome) {
  const std::string name = module.filename().string();
  if (outcome.stack_exhausted)
    std::fprintf(stderr, "wasinet: %s ran out of stack (--max-wasm-stack %s)\n", name.c_str(),
                 format_byte_size(config.max_wasm_stack).c_str());
  else
    std::fprintf(stderr, "wasinet: %s trapped: %s\n", name.c_str(), outcome.message.c_str());
}

// The guest did not unwind within the grace period after --timeout (it
// waits where neither the wake event nor the epoch reaches, as a blocking
// read of a terminal): end the process as a second SIGINT would.
[[noreturn]] void exit_stuck_after_timeout(const GuestOptions& config, const Guest& guest) {
  remove_socket_files(guest);
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
                                         const std::filesystem::path& module,
                                         const LoadOptions& load) {
  try {
    return load_module(engine, module, load);
  } catch (const Error&) {
    if (!is_precompiled_file(module)) throw;
    engine::EngineOptions other = options;
    other.epoch_interruption = !options.epoch_interruption;
    engine::Engine alternative(other);
    bool loads = true;
    try {
      (void)alternative.deserialize_file(module);
    } catch (const Error&) {
      loads = false;
    }
    if (!loads) throw;  // not a matter of settings: the first error says what is wrong
    if (options.epoch_interruption)
      throw Error(module.string() +
                  " was compiled without the epoch checks --timeout needs: compile it with "
                  "`wasinet compile --interruptible`");
    engine = std::move(alternative);
    return load_module(engine, module, load);
  }
}

}  // namespace

int run(const std::filesystem::path& module_file, const GuestOptions& given, const LoadOptions& load,
        const std::optional<ListenSpec>& metrics) {
  MetricsRegistry registry;
  std::unique_ptr<MetricsServer> metrics_server;
  GuestOptions options = given;
  if (metrics) {
    options.counters = registry.guest(0);
    metrics_server = std::make_unique<MetricsServer>(*metrics, registry);
    std::fprintf(stderr, "wasinet: metrics on %s\n", metrics_address(metrics_server->url()).c_str());
  }
  // Flags first (a --dir that does not exist), then the module.
  Guest guest(options);

  // Epoch checks only when a time limit needs them: they slow guest code.
  // Without them a signal ends the process (see StopSignals).
  engine::EngineOptions engine_options;
  engine_options.epoch_interruption = options.timeout.count() > 0;
  engine_options.max_wasm_stack = static_cast<size_t>(options.max_wasm_stack);
  engine::Engine engine(engine_options);
  StopSignals stop(guest.context().wake, engine, [&guest] { remove_socket_files(guest); });
  engine::Module module = load_with_matching_engine(engine, engine_options, module_file, load);
  report_listeners(guest, load.verbose);

  GuestOutcome outcome;
  if (options.counters) metrics::add(options.counters->starts);
  stop.guest_starting();
  try {
    outcome = run_guest(engine, module, guest,
                        [&options, &guest] { exit_stuck_after_timeout(options, guest); });
  } catch (const abi::ImportError& e) {
    throw Error(module_file.string() + " " + e.what());
  } catch (const engine::MemoryLimitError& e) {
    throw Error(module_file.string() + ": " + e.what() + " (--max-memory " +
                format_byte_size(options.max_memory) + ")");
  } catch (const Error& e) {
    throw Error(module_file.string() + ": " + e.what());
  }
  if (options.counters) metrics::add(options.counters->exits);
  // A stopped guest ends however the stop reached it: an epoch trap, or
  // its own reaction to EINTR. Either way the signal decides the status,
  // as the shell expects of a program killed by it.
  if (int sig = stop.received()) {
    std::fprintf(stderr, "wasinet: stopped by %s\n", signal_name(sig));
    return 128 + sig;
  }
  if (outcome.timed_out) {
    std::fprintf(stderr, "wasinet: stopped: --timeout %s reached\n",
                 format_duration(options.timeout).c_str());
    return kExitTimeout;
  }
  const engine::RunOutcome& run = outcome.run;
  const bool trapped = run.kind == engine::RunOutcome::Kind::trapped ||
                       run.kind == engine::RunOutcome::Kind::interrupted;
  if (trapped) report_trap(module_file, options, run);
  if (trapped || (run.kind == engine::RunOutcome::Kind::exited && run.exit_code != 0))
    report_memory_cap(options, run);
  return exit_status(outcome);
}

}  // namespace wasinet::runtime
