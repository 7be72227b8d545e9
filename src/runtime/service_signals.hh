#pragma once
// `wasinet run --instances`: SIGHUP reloads the service, SIGTERM drains it
// (a graceful stop), SIGINT or a second SIGTERM stops it at once, a third
// ends the process. Before the service exists (while the module compiles)
// SIGINT or SIGTERM ends the process at once, as for a single guest
// (stop_signals.hh), and SIGHUP is ignored.
#include <signal.h>

#include <atomic>
#include <thread>

#include "os/unique_fd.hh"
#include "wasinet/service.hh"

namespace wasinet::runtime {

class ServiceSignals {
 public:
  // Blocks SIGINT, SIGTERM and SIGHUP in this thread, and so in every
  // thread started afterwards (the engine's, the instances'), and watches
  // them from a thread of its own. Throws wasinet::Error when it cannot.
  ServiceSignals();
  ~ServiceSignals();
  ServiceSignals(const ServiceSignals&) = delete;
  ServiceSignals& operator=(const ServiceSignals&) = delete;

  // From now on signals act on `service` (which must outlive this
  // object, or be detached with nullptr first).
  void attach(Service* service) noexcept { service_.store(service); }

  // The signal that stopped or drained the service, or 0.
  int received() const noexcept { return received_.load(); }

 private:
  void watch();
  void on_signal(int sig);

  sigset_t signals_{};
  sigset_t old_mask_{};
  os::UniqueFd signal_fd_;
  os::UniqueFd done_;
  std::atomic<Service*> service_{nullptr};
  std::atomic<int> received_{0};
  int stops_ = 0;  // SIGINT/SIGTERM seen (watcher thread only)
  std::thread watcher_;
};

}  // namespace wasinet::runtime
