#include "runtime/guest.hh"

#include <chrono>
#include <optional>
#include <utility>

#include "abi/host_modules.hh"
#include "runtime/exit_codes.hh"
#include "metrics/counters.hh"
#include "net/socket.hh"
#include "runtime/instance_setup.hh"
#include "runtime/run_timeout.hh"
#include "wasinet/error.hh"

namespace wasinet::runtime {

int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Guest::Guest(GuestOptions options, std::shared_ptr<const Listeners> listeners)
    : options_(std::move(options)) {
  const size_t listener_count = listeners ? listeners->all().size() : options_.listeners.size();
  setup_context(ctx_, options_, guest_network(options_), listener_count);
  // After the directories, so that a --dir that does not exist is named
  // before a --listen address in use.
  if (!listeners && !options_.listeners.empty())
    listeners = std::make_shared<const Listeners>(options_.listeners, ctx_.network.get());
  listeners_ = std::move(listeners);
  if (!listeners_) return;
  std::vector<net::InsertedListener> inserted = add_listeners(ctx_, *listeners_);
  for (size_t i = 0; i < inserted.size(); ++i)
    listening_.push_back({inserted[i].fd, &listeners_->all()[i], std::move(inserted[i].socket)});
}

void Guest::stop() noexcept {
  ctx_.stop_requested.store(true);
  ctx_.wake->fire();
}

void Guest::drain() noexcept {
  for (const GuestListener& l : listening_) {
    l.socket->stop_accepting();
    // Out of the guest's epoll set now, so that no connection wakes this
    // guest instead of one that still accepts (EPOLLEXCLUSIVE wakes one).
    ctx_.poll_registry.unregister_now(l.socket->host_fd());
  }
  ctx_.draining.store(true);
  ctx_.drain_event->fire();
}

abi::HostFunctions host_functions_for(const std::vector<engine::Import>& imports) {
  static const abi::HostFunctions kAll = abi::all_host_functions();
  return abi::link_imports(kAll, imports);
}

GuestOutcome run_guest(const engine::Engine& engine, const engine::Module& module, Guest& guest,
                       const std::function<void()>& stuck) {
  const abi::HostFunctions functions = host_functions_for(module.imports());
  const GuestOptions& options = guest.options();
  engine::RunLimits limits;
  limits.max_memory = options.max_memory;
  GuestOutcome out;
  std::optional<RunTimeout> timeout;
  if (options.timeout.count() > 0)
    timeout.emplace(options.timeout, guest.context().wake, [&engine] { engine.interrupt_all(); }, stuck);
  limits.stop = &guest.context().stop_requested;
  metrics::GuestCounters* counters = options.counters.get();
  if (counters) {
    limits.memory_gauge = &counters->memory_bytes;
    counters->run_started_ns.store(now_ns(), std::memory_order_relaxed);
  }
  struct CountRunTime {
    metrics::GuestCounters* c;
    ~CountRunTime() {
      if (!c) return;
      const int64_t started = c->run_started_ns.exchange(0, std::memory_order_relaxed);
      if (started > 0) metrics::add(c->run_ns_done, static_cast<uint64_t>(now_ns() - started));
    }
  } count_run_time{counters};
  out.run = engine.run(module, functions, &guest.context(), limits);
  out.timed_out = timeout && timeout->expired();
  return out;
}

int exit_status(const GuestOutcome& outcome) noexcept {
  if (outcome.timed_out) return kExitTimeout;
  switch (outcome.run.kind) {
    case engine::RunOutcome::Kind::returned: return 0;
    case engine::RunOutcome::Kind::exited: return outcome.run.exit_code;
    case engine::RunOutcome::Kind::interrupted:
    case engine::RunOutcome::Kind::trapped: return kExitTrap;
  }
  return kExitTrap;
}

}  // namespace wasinet::runtime
