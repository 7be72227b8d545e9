#pragma once
// Everything one guest instance's WASI calls share: arguments, environment,
// the fd table, the network it may use and the event that stops its waits.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "os/wake_event.hh"
#include "wasi/fd_table.hh"
#include "wasi/poll_registry.hh"

namespace wasinet::metrics {
struct GuestCounters;
}

namespace wasinet::net {
class Network;
class SharedBinds;
class RetryGuard;
}

namespace wasinet::wasi {

struct Context {
  std::vector<std::string> args;     // args[0] is the program name
  std::vector<std::string> environ;  // "KEY=VALUE"
  FdTable fds;
  // Decides every socket call (net/network.hh). Null: every network call is
  // refused with EACCES.
  std::shared_ptr<net::Network> network;
  // Fired to end every blocking wait (poll_oneoff, blocking socket calls).
  std::shared_ptr<const os::WakeEvent> wake = std::make_shared<os::WakeEvent>();
  // poll_oneoff's wait set, kept between calls (wasi/poll_registry.hh).
  PollRegistry poll_registry;
  // Puts guests that retry EAGAIN in a loop to sleep (net/retry_guard.hh;
  // it serves wasinet_v0's guests). Null: no guard.
  std::shared_ptr<net::RetryGuard> retry_guard;
  // Set (then the wake event fired) to stop the guest at its next host
  // call, without epoch checks (engine::RunLimits::stop). Any thread.
  std::atomic<bool> stop_requested{false};
  // SO_REUSEPORT on every TCP or UDP socket the guest binds: the
  // instances of a service bind the same ports (GuestOptions::reuse_port).
  bool reuse_port = false;
  // The TCP sockets the guests of a service listen on themselves, one per
  // address (net/shared_binds.hh). Null: each guest's own.
  std::shared_ptr<net::SharedBinds> shared_binds;
  // Set (then drain_event fired) when the guest is to finish its
  // connections and end: poll_oneoff then closes the idle ones and stops
  // the guest once it holds none (docs/serving.md, "Draining"). Any thread.
  std::atomic<bool> draining{false};
  std::shared_ptr<const os::WakeEvent> drain_event = std::make_shared<os::WakeEvent>();
  // What the guest does, counted for --metrics (metrics/counters.hh).
  // Null: nothing is counted.
  std::shared_ptr<metrics::GuestCounters> counters;
};

}  // namespace wasinet::wasi
