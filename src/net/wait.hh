#pragma once
// The one blocking wait of the socket calls: ppoll on a socket and on the
// guest's wake event, bounded by an optional deadline. The socket itself
// stays non-blocking; callers retry their call after a successful wait.
#include <chrono>
#include <optional>

#include "wasi/result.hh"

namespace wasinet::net {

// Waits until `fd` shows `events` (POLLIN or POLLOUT), or an error or
// hang-up (which the retried call then reports). EINTR once `wake_fd` is
// readable (the guest is being stopped; -1 for none), ETIMEDOUT when
// `deadline` passes first (at once if it has passed already), EBADF if
// `fd` is not open.
wasi::Status wait_ready(int fd, short events, int wake_fd,
                        std::optional<std::chrono::steady_clock::time_point> deadline);

// Waits between the attempts of one call that says EAGAIN. When poll
// reports the socket ready and the call still says EAGAIN, poll cannot see
// what the call waits for (a unix datagram sent to a full peer queue, a
// spurious wake-up): rather than spin, such retries pause first, 1 ms
// doubling up to 64 ms, still ending at once on the wake event or deadline.
class RetryWaiter {
 public:
  RetryWaiter(int fd, int wake_fd, std::optional<std::chrono::steady_clock::time_point> deadline)
      : fd_(fd), wake_fd_(wake_fd), deadline_(deadline) {}

  // Before retrying: success, EINTR or ETIMEDOUT as wait_ready.
  wasi::Status wait(short events);
  // The call moved some bytes: the next wait needs no pause.
  void progressed() noexcept { misses_ = 0; }

 private:
  int fd_;
  int wake_fd_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  unsigned misses_ = 0;
};

}  // namespace wasinet::net
