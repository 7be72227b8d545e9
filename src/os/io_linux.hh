#pragma once
// Thin wrappers over Linux I/O calls that the WASI objects share, each
// returning a WASI errno instead of setting errno.
#include <sys/uio.h>

#include <span>

#include "wasi/file_object.hh"
#include "wasi/result.hh"

namespace wasinet::os {

// iovecs of guest memory as host iovecs, for readv/writev without copying.
std::span<struct iovec> to_host_iovecs(wasi::IoVecs iovs, std::span<struct iovec> storage);

wasi::Result<size_t> readv(int fd, wasi::IoVecs iovs);
wasi::Result<size_t> writev(int fd, wasi::IoVecs iovs);
wasi::Result<size_t> preadv(int fd, wasi::IoVecs iovs, uint64_t offset);
wasi::Result<size_t> pwritev(int fd, wasi::IoVecs iovs, uint64_t offset);

// Writes every byte, waiting in poll() when the descriptor is non-blocking
// and full: used for stdout/stderr, which must never report EAGAIN. The
// wait also ends when `wake_fd` (-1: none) is readable: EINTR, or the bytes
// written so far.
wasi::Result<size_t> writev_all(int fd, wasi::IoVecs iovs, int wake_fd = -1);

// Waits until `fd` shows `events` (POLLIN, POLLOUT) or an error, or until
// `wake_fd` (-1: none) is readable; false when the wake came first.
bool wait_for(int fd, short events, int wake_fd);

// Whether `fd` has data to read right now (poll with a zero timeout).
bool readable_now(int fd);

}  // namespace wasinet::os
