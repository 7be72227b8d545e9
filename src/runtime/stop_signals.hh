#pragma once
// Stops the guest on SIGINT or SIGTERM (see StopSignals).
#include <signal.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "engine/engine.hh"
#include "os/unique_fd.hh"
#include "os/wake_event.hh"

namespace wasinet::runtime {

const char* signal_name(int sig);

// Stops the guest on SIGINT or SIGTERM.
//
// While it exists the two signals are blocked in this thread, and so in
// every thread started meanwhile (wasmtime's compiler threads), and a
// watcher thread reads them from a signalfd. On the first one it fires the
// guest's WakeEvent, which ends every blocking host wait (poll_oneoff,
// blocking socket calls) with EINTR, and advances the engine's epoch,
// which traps the guest at its next epoch check; it repeats the epoch step
// every 50 ms until the run ends, to catch a guest that was just starting.
// A guest still running after a grace period (200 ms when the engine has
// no epoch checks, 2 s when it has) is ended with the process, which
// closes everything it held.
// Before the guest starts (while its module compiles, which cannot be
// interrupted and may take seconds) there is nothing to unwind: the
// watcher runs `before_exit` and ends the process at once. So does a second
// signal, for a guest stuck where neither the wake nor the epoch reaches.
class StopSignals {
 public:
  // Throws wasinet::Error when the signals cannot be watched.
  StopSignals(std::shared_ptr<const os::WakeEvent> wake, const engine::Engine& engine,
              std::function<void()> before_exit);
  ~StopSignals();

  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // From now on a signal stops the guest rather than the process.
  void guest_starting() noexcept { guest_started_.store(true); }

  // The signal that stopped the guest, or 0.
  int received() const noexcept { return received_.load(); }

 private:
  void watch();
  [[noreturn]] void exit_now(int sig, const char* note);

  std::shared_ptr<const os::WakeEvent> wake_;
  const engine::Engine& engine_;
  std::function<void()> before_exit_;
  std::chrono::milliseconds grace_;
  sigset_t signals_{};
  sigset_t old_mask_{};
  os::UniqueFd signal_fd_;
  os::UniqueFd done_;
  std::atomic<int> received_{0};
  std::atomic<bool> guest_started_{false};
  std::thread watcher_;
};


}  // namespace wasinet::runtime
