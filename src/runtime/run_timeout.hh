#pragma once
// Stops a guest that runs longer than its time limit (`--timeout`).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "os/wake_event.hh"

namespace wasinet::runtime {

// A watchdog thread, started with the guest. When `limit` has passed it
// calls `interrupt` (advance the engine's epoch: the guest traps at its
// next epoch check) and fires the guest's WakeEvent, which ends every
// blocking host wait (poll_oneoff, blocking socket calls) with EINTR;
// it repeats `interrupt` every 100 ms, for a guest that reacted to EINTR
// by waiting again. If the guest is still running `grace` after the limit
// (stuck where neither reaches: a blocking read of a terminal, a name
// lookup), it calls `stuck` when given, which may end the process.
class RunTimeout {
 public:
  RunTimeout(std::chrono::milliseconds limit, std::shared_ptr<const os::WakeEvent> wake,
             std::function<void()> interrupt, std::function<void()> stuck = {},
             std::chrono::milliseconds grace = std::chrono::seconds(2));
  // Stops the watchdog (the guest has ended).
  ~RunTimeout();

  RunTimeout(const RunTimeout&) = delete;
  RunTimeout& operator=(const RunTimeout&) = delete;

  // Whether the limit was reached (and the guest told to stop).
  bool expired() const noexcept { return expired_.load(); }

 private:
  void watch(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds grace);

  std::shared_ptr<const os::WakeEvent> wake_;
  std::function<void()> interrupt_;
  std::function<void()> stuck_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;  // under mutex_
  std::atomic<bool> expired_{false};
  std::thread thread_;
};

}  // namespace wasinet::runtime
