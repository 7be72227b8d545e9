#pragma once
// The waits of one blocking socket call (os::wait_ready on the socket and the
// guest's wake event, bounded by the socket's deadline). The socket itself
// stays non-blocking; callers retry their call after a successful wait.
#include <chrono>
#include <optional>

#include "wasi/result.hh"

namespace wasinet::net {

// The waits between the attempts of one blocking call that says EAGAIN
// (accept, recv, send on a socket the guest made blocking). (Not the retry
// guard, retry_guard.hh, which paces guests that retry non-blocking calls.) When poll
// reports the socket ready and the call still says EAGAIN, poll cannot see
// what the call waits for (a unix datagram sent to a full peer queue, a
// spurious wake-up): rather than spin, such retries pause first, 1 ms
// doubling up to 64 ms, still ending at once on the wake event or deadline.
class BlockingWait {
 public:
  BlockingWait(int fd, int wake_fd, std::optional<std::chrono::steady_clock::time_point> deadline)
      : fd_(fd), wake_fd_(wake_fd), deadline_(deadline) {}

  // Before retrying: success, EINTR or ETIMEDOUT (os::wait_ready, mapped).
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
