#pragma once
// A service: N instances of one module, each a guest of its own (its own
// thread, store, memory and fd table), serving on the same listening
// sockets, supervised (restarted when they fail), reloaded with a new
// module without dropping a connection, and drained for a graceful stop.
// `wasinet run --instances N` is one; so is any program that links
// wasinet_core. docs/serving.md explains the model.
//
//   wasinet::ServiceOptions options;
//   options.module = "server.wasm";
//   options.guest.argv = {"server.wasm"};
//   options.guest.listeners = {wasinet::ListenSpec::tcp("127.0.0.1", 8080)};
//   options.instances = 4;
//   options.restart = wasinet::RestartPolicy::on_failure;
//   wasinet::Service service(options);  // opens the listeners, compiles; throws wasinet::Error
//   std::thread t([&] { status = service.run(); });
//   ...
//   service.reload();  // a new generation from the module file, the old one drains
//   service.drain();   // stop accepting, finish the connections, end
//   t.join();
//
// Threads: run() is called once, from one thread; reload(), drain() and
// stop() from any thread, any time (before the Service is destroyed).
// Signals: a Service installs no handler; `wasinet run` maps SIGHUP,
// SIGTERM and SIGINT onto these calls.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasinet/config.hh"

namespace wasinet {

// Docker's words (`--restart`).
enum class RestartPolicy { no, on_failure, always };

struct ServiceOptions {
  // The module file: read again by reload().
  std::filesystem::path module;
  // Every instance's options. Each instance's environment also gets
  // WASINET_INSTANCE (0..N-1) and WASINET_INSTANCES (N). `listeners` are
  // opened once and shared by every instance and generation. A timeout is
  // not allowed (a service runs until it is stopped).
  GuestOptions guest;
  size_t instances = 1;
  // An instance that ends is started again: on_failure when it exits with
  // a status other than 0 or traps; always, whatever the reason; never
  // while the service drains or stops. Backoff from 100 ms doubling up to
  // 10 s, back to 100 ms once an instance has run for 10 s.
  RestartPolicy restart = RestartPolicy::no;
  // How long a draining generation may keep connections open before its
  // instances are stopped.
  std::chrono::milliseconds drain_timeout{30000};
  // The compiled-module cache (runtime/module_cache.hh): empty dir = the
  // default; use_cache false compiles afresh.
  bool use_cache = true;
  std::filesystem::path cache_dir;
  bool verbose = false;  // notes on stderr (cache hits, listeners)
  // Serve Prometheus metrics of every instance on this address
  // (docs/metrics.md); none when empty.
  std::optional<ListenSpec> metrics;
};

// A listener the service opened, as every instance has it.
struct ServiceListener {
  uint32_t fd = 0;  // the guest fd (the same in every instance)
  std::string url;  // "tcp://127.0.0.1:43567" when port 0 was asked
  bool port_chosen_by_system = false;
};

class Service {
 public:
  // Opens the listeners (asking the policy), makes the engine and
  // compiles the module. Throws wasinet::Error with one line naming what
  // failed.
  explicit Service(ServiceOptions options);
  ~Service();  // stops what still runs, closes the listeners
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  const std::vector<ServiceListener>& listeners() const noexcept;
  // Where the metrics are served ("tcp://127.0.0.1:9464"), or "".
  std::string metrics_url() const;

  // Starts the instances and supervises them until every one has stopped
  // for good (it ended and is not restarted, or the service drained or
  // was stopped). Returns the exit status of the instance that ended
  // last: 0 when _start returned, its proc_exit code, 134 when it trapped
  // (an instance the service stopped counts as 0). Call it once.
  int run();

  // Reads the module file again (recompiling through the cache if it
  // changed) and starts a new generation of instances on the same
  // listeners; the old generation then drains. A module that fails to load
  // leaves the old generation serving, with one line on stderr saying why.
  void reload();
  // Graceful stop: no instance accepts a new connection; those they hold
  // finish (idle ones are closed: docs/serving.md); after drain_timeout
  // what is left is stopped. run() then returns.
  void drain();
  // Stops every instance now (at its next host call). run() then returns.
  void stop();

  // Removes the unix socket files of the listeners now, for a process
  // about to _exit (the destructor does it otherwise). Async-signal-safe.
  void remove_socket_files() const noexcept;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wasinet
