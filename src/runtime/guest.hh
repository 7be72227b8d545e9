#pragma once
// The one guest assembly: options -> a prepared Guest -> run_guest ->
// cleanup by destructors. `wasinet run` (runner.cc), the embedding API
// (src/embed/) and the tests all make guests here.
//
// What is per process or service (the engine, a compiled module, the
// Listeners) is made once and shared; what is per guest (its context: fd
// table, args, env, its Network with its pinned names, its caps) is a
// Guest.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "abi/preview1.hh"
#include "engine/engine.hh"
#include "runtime/listeners.hh"
#include "wasi/context.hh"
#include "wasinet/config.hh"

namespace wasinet::runtime {

// A listener as the guest has it.
struct GuestListener {
  wasi::Fd fd = 0;
  const net::HostListener* host = nullptr;  // owned by the Guest's Listeners
  std::shared_ptr<net::Socket> socket;      // the guest's duplicate
};

class Guest {
 public:
  // Prepares the guest's context (instance_setup.hh). The listening
  // sockets are `listeners` when given (already open, shared with other
  // guests), else opened here from options.listeners. Throws
  // wasinet::Error naming the option at fault.
  explicit Guest(GuestOptions options, std::shared_ptr<const Listeners> listeners = nullptr);
  Guest(const Guest&) = delete;
  Guest& operator=(const Guest&) = delete;

  wasi::Context& context() noexcept { return ctx_; }
  const GuestOptions& options() const noexcept { return options_; }
  const std::vector<GuestListener>& listening() const noexcept { return listening_; }
  const std::shared_ptr<const Listeners>& listeners() const noexcept { return listeners_; }

  // Stops the guest at its next host call (it traps there; the outcome
  // says `stopped`), ending every blocking host wait now and from now on.
  // Needs no epoch checks. Thread-safe and async-signal-safe.
  void stop() noexcept;
  // Graceful stop (docs/serving.md, "Draining"): the guest accepts nothing
  // more on its listeners (their queues go to the other guests on the same
  // sockets), finishes its connections (idle ones are closed), and is
  // stopped once it holds none. Thread-safe.
  void drain() noexcept;

 private:
  GuestOptions options_;
  // Before ctx_: the guest's duplicates of the sockets close first.
  std::shared_ptr<const Listeners> listeners_;
  wasi::Context ctx_;
  std::vector<GuestListener> listening_;
};

// How a guest run ended.
struct GuestOutcome {
  engine::RunOutcome run;
  bool timed_out = false;  // GuestOptions::timeout stopped it
};

// Links what `module` imports from the host-module table
// (abi/host_modules.hh), instantiates it with the guest's memory cap,
// runs it (with its timeout, when it has one) and says how it ended.
// `stuck`: called when a timed-out guest has not unwound after a grace
// period (it waits where neither the wake nor the epoch reaches); it may
// end the process. Throws wasinet::Error for failures before the guest
// runs (an import wasinet does not provide, memory above the cap).
GuestOutcome run_guest(const engine::Engine& engine, const engine::Module& module, Guest& guest,
                       const std::function<void()>& stuck = {});

// The functions a module importing `imports` is linked with; throws
// wasinet::Error naming an import wasinet does not provide.
abi::HostFunctions host_functions_for(const std::vector<engine::Import>& imports);

// The steady clock in ns, as metrics::GuestCounters::run_started_ns holds it.
int64_t now_ns() noexcept;

// The process exit status of an outcome: 0 when _start returned, the
// guest's proc_exit code, kExitTimeout, or kExitTrap (exit_codes.hh).
int exit_status(const GuestOutcome& outcome) noexcept;

}  // namespace wasinet::runtime
