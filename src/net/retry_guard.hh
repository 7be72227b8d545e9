#pragma once
// The retry guard. Guests built against the existing wasinet_v0 Go library
// never wait in the host: when sock_accept or sock_recv_from says EAGAIN they
// yield to the Go scheduler and call again, so an idle server spins a core.
// (Not to be confused with BlockingWait, blocking_wait.hh: the wait inside
// one blocking call.)
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
#include "wasi/context.hh"
#include "wasi/file_object.hh"

namespace wasinet::net {

class RetryGuard {
 public:
  struct Settings {
    unsigned streak = 64;                        // EAGAINs in a row before waiting
    std::chrono::nanoseconds max_gap = std::chrono::microseconds(200);
    std::chrono::milliseconds first_wait{1};
    std::chrono::milliseconds max_wait{16};
  };

  // The epoll instance is made up front (an instance's host descriptors do
  // not change while it runs); without one the guard never waits.
  RetryGuard() : RetryGuard(Settings{}) {}
  explicit RetryGuard(const Settings& settings);

  // After a call on `socket` said EAGAIN. True when the guard waited: the
  // caller then tries its call once more, as something may be ready now.
  bool on_again(const std::shared_ptr<wasi::FileObject>& socket, int wake_fd);

  // After a call did something (data, a connection, end of stream, an
  // error other than EAGAIN): the guest is not idle.
  void on_progress() noexcept;

  // How many times the guard has waited (for tests).
  uint64_t waits() const noexcept { return waits_; }

 private:
  bool watch(const std::shared_ptr<wasi::FileObject>& socket, int wake_fd);

  Settings settings_;
  os::UniqueFd epoll_;
  bool wake_registered_ = false;
  // Host fd → the object registered under it. A closed object drops out of
  // the kernel's set by itself; the expired pointer tells us so when its
  // number comes back for another socket.
  struct Watched {
    std::weak_ptr<wasi::FileObject> object;
    bool armed = false;
  };
  std::unordered_map<int, Watched> watched_;
  unsigned streak_ = 0;
  std::chrono::steady_clock::time_point last_{};
  std::chrono::milliseconds wait_ = settings_.first_wait;
  uint64_t waits_ = 0;
};

// Runs `call`, a socket call on `socket` that may say EAGAIN (accept, a
// receive), under the context's retry guard, if it has one: a guest that
// retries such calls in a loop instead of polling gets a short wait in the
// kernel once the loop is recognised, and the call is tried once more.
template <class Object, class Call>
auto retry_guarded(wasi::Context& ctx, const std::shared_ptr<Object>& socket, Call&& call)
    -> decltype(call()) {
  auto again = [](const auto& r) { return !r.ok() && r.error() == wasi::Errno::again; };
  auto r = call();
  if (!ctx.retry_guard) return r;
  if (again(r) && ctx.retry_guard->on_again(socket, ctx.wake->fd())) r = call();
  if (!again(r)) ctx.retry_guard->on_progress();
  return r;
}

}  // namespace wasinet::net
