#pragma once
// Guests built against the existing wasinet_v0 Go library never wait in the
// host: when sock_accept or sock_recv_from says EAGAIN they yield to the Go
// scheduler and call again, so an idle server spins a core.
//
// The guard notices that pattern on one instance: a run of EAGAIN answers
// from the calls that wait for input, back to back, with no other work of
// the guest in between (a gap longer than `max_gap` between two of them
// means the guest did something else, and starts the count afresh). Once the
// run is long enough, each further EAGAIN first blocks in epoll on every
// socket the guest has been retrying (and on the instance's wake event) for a
// short bounded time: 1 ms, doubling to `max_wait` while nothing arrives.
// Readiness of any of them ends the wait at once, so a busy guest never
// waits; an idle one sleeps in the kernel. Timers inside such a guest can
// fire up to `max_wait` late, as its sockets are the only thing we see.
//
// Registrations persist across calls, so a wait costs O(1) however many
// sockets the guest retries. They are one-shot: a socket that became ready
// wakes one wait, and is re-armed only when the guest retries it and hears
// EAGAIN again, so a ready socket the guest is not reading (its goroutine is
// busy elsewhere) cannot keep every wait from sleeping.
#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "os/unique_fd.hh"
#include "wasi/fd_table.hh"

namespace wasinet::wasi {

class RetryGuard {
 public:
  struct Settings {
    bool enabled = true;
    unsigned streak = 64;                        // EAGAINs in a row before waiting
    std::chrono::nanoseconds max_gap = std::chrono::microseconds(200);
    std::chrono::milliseconds first_wait{1};
    std::chrono::milliseconds max_wait{16};
  };

  // The epoll instance is made up front (an instance's host descriptors do
  // not change while it runs); without one the guard never waits.
  RetryGuard() : RetryGuard(Settings{}) {}
  explicit RetryGuard(const Settings& settings);

  void set_enabled(bool on) noexcept { settings_.enabled = on; }
  bool enabled() const noexcept { return settings_.enabled; }

  // After a call on guest `fd` said EAGAIN. True when the guard waited: the
  // caller then tries its call once more, as something may be ready now.
  bool on_again(FdTable& fds, Fd fd, int wake_fd);

  // After a call on `fd` did something (data, a connection, end of stream,
  // an error other than EAGAIN): the guest is not idle.
  void on_progress() noexcept;

  // How many times the guard has waited (for tests and --verbose).
  uint64_t waits() const noexcept { return waits_; }

 private:
  bool watch(FdTable& fds, Fd fd, int wake_fd);

  Settings settings_;
  os::UniqueFd epoll_;
  bool wake_registered_ = false;
  // Host fd → the object registered under it. A closed object drops out of
  // the kernel's set by itself; the expired pointer tells us so when its
  // number comes back for another socket.
  struct Watched {
    std::weak_ptr<FileObject> object;
    bool armed = false;
  };
  std::unordered_map<int, Watched> watched_;
  unsigned streak_ = 0;
  std::chrono::steady_clock::time_point last_{};
  std::chrono::milliseconds wait_ = settings_.first_wait;
  uint64_t waits_ = 0;
};

}  // namespace wasinet::wasi
