#pragma once
// Thin wrappers over the Linux I/O calls the layers above share. They take
// host iovecs and return host errnos (os/host_result.hh); EINTR from a
// signal is retried inside.
#include <poll.h>
#include <sys/uio.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "os/host_result.hh"

namespace wasinet::os {

HostResult<size_t> readv(int fd, std::span<const iovec> iovs);
HostResult<size_t> writev(int fd, std::span<const iovec> iovs);
// EINVAL for an offset beyond INT64_MAX.
HostResult<size_t> preadv(int fd, std::span<const iovec> iovs, uint64_t offset);
HostResult<size_t> pwritev(int fd, std::span<const iovec> iovs, uint64_t offset);

// Drops the first `n` bytes of `iovs` (after a partial transfer): whole
// entries leave the span, a partly done one is shortened in place.
void advance(std::span<iovec>& iovs, size_t n) noexcept;

// Writes every byte, waiting (wait_ready) when the descriptor is
// non-blocking and full: for stdout/stderr, which must never report EAGAIN.
// `iovs` is used up as it goes. When the wait ends for `wake_fd` (-1: none)
// or fails: the bytes written so far, else that errno (EINTR for the wake).
HostResult<size_t> writev_all(int fd, std::span<iovec> iovs, int wake_fd = -1);

// The one fd + wake wait of the host: ppoll on `fd` and `wake_fd`, bounded
// by an optional deadline. 0 when `fd` shows `events` (POLLIN, POLLOUT), an
// error or a hang-up (which the caller's retried call then reports); EINTR
// once `wake_fd` is readable (the guest is being stopped; -1 for none);
// ETIMEDOUT when `deadline` passes first (at once if it has passed
// already); EBADF when `fd` is not open; ppoll's own errno if it fails.
// A negative `fd` waits for the wake event and the deadline only.
HostStatus wait_ready(int fd, short events, int wake_fd,
                      std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

// Whether `fd` shows `events` right now (poll with a zero timeout).
bool ready_now(int fd, short events);

}  // namespace wasinet::os
