#include "net/blocking_wait.hh"

#include <algorithm>

#include "os/io_linux.hh"

namespace wasinet::net {

using wasi::Errno;

wasi::Status BlockingWait::wait(short events) {
  using std::chrono::steady_clock;
  if (misses_ > 0) {
    const auto pause = std::chrono::milliseconds(1) * (1u << std::min(misses_ - 1, 6u));
    auto until = steady_clock::now() + pause;
    if (deadline_ && *deadline_ < until) until = *deadline_;
    const wasi::Status s = wasi::errno_from_host(os::wait_ready(-1, 0, wake_fd_, until));
    if (s == Errno::intr) return s;
    if (deadline_ && steady_clock::now() >= *deadline_) return Errno::timedout;
  }
  ++misses_;
  return wasi::errno_from_host(os::wait_ready(fd_, events, wake_fd_, deadline_));
}

}  // namespace wasinet::net
