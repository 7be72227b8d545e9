#include "net/wait.hh"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace wasinet::net {

using wasi::Errno;

wasi::Status wait_ready(int fd, short events, int wake_fd,
                        std::optional<std::chrono::steady_clock::time_point> deadline) {
  using std::chrono::steady_clock;
  for (;;) {
    timespec timeout{};
    if (deadline) {
      const auto left = *deadline - steady_clock::now();
      if (left <= steady_clock::duration::zero()) return Errno::timedout;
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      timeout.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      timeout.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    }
    // A negative fd is ignored by ppoll, so "no wake event" needs no branch.
    pollfd p[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    const int n = ::ppoll(p, 2, deadline ? &timeout : nullptr, nullptr);
    if (n < 0) {
      // A signal: its handler fires the wake event if the guest must stop,
      // which the next round sees; otherwise keep waiting.
      if (errno == EINTR) continue;
      return wasi::errno_from_host(errno);
    }
    if (n == 0) return Errno::timedout;
    // Stopping wins over readiness: the guest is being ended.
    if (p[1].revents & POLLIN) return Errno::intr;
    if (p[0].revents & POLLNVAL) return Errno::badf;
    if (p[0].revents & (events | POLLERR | POLLHUP)) return Errno::success;
  }
}

wasi::Status RetryWaiter::wait(short events) {
  using std::chrono::steady_clock;
  if (misses_ > 0) {
    const auto pause = std::chrono::milliseconds(1) * (1u << std::min(misses_ - 1, 6u));
    auto until = steady_clock::now() + pause;
    if (deadline_ && *deadline_ < until) until = *deadline_;
    const wasi::Status s = wait_ready(-1, 0, wake_fd_, until);
    if (s == Errno::intr) return s;
    if (deadline_ && steady_clock::now() >= *deadline_) return Errno::timedout;
  }
  ++misses_;
  return wait_ready(fd_, events, wake_fd_, deadline_);
}

}  // namespace wasinet::net
