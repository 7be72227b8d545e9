#include "os/io_linux.hh"

#include <poll.h>
#include <sys/uio.h>

#include <cerrno>
#include <vector>

namespace wasinet::os {
namespace {

using wasi::Errno;
using wasi::Result;

// Small requests (the common case) use stack storage.
struct HostIovecs {
  struct iovec inline_storage[16];
  std::vector<struct iovec> heap;
  std::span<struct iovec> view;

  explicit HostIovecs(wasi::IoVecs iovs) {
    std::span<struct iovec> storage(inline_storage);
    if (iovs.size() > std::size(inline_storage)) {
      heap.resize(iovs.size());
      storage = heap;
    }
    view = to_host_iovecs(iovs, storage);
  }
};

Result<size_t> done(ssize_t n) {
  if (n < 0) return wasi::errno_from_host(errno);
  return static_cast<size_t>(n);
}

}  // namespace

std::span<struct iovec> to_host_iovecs(wasi::IoVecs iovs, std::span<struct iovec> storage) {
  for (size_t i = 0; i < iovs.size(); ++i) storage[i] = {iovs[i].data(), iovs[i].size()};
  return storage.first(iovs.size());
}

Result<size_t> readv(int fd, wasi::IoVecs iovs) {
  HostIovecs h(iovs);
  ssize_t n;
  do n = ::readv(fd, h.view.data(), static_cast<int>(h.view.size()));
  while (n < 0 && errno == EINTR);
  return done(n);
}

Result<size_t> writev(int fd, wasi::IoVecs iovs) {
  HostIovecs h(iovs);
  ssize_t n;
  do n = ::writev(fd, h.view.data(), static_cast<int>(h.view.size()));
  while (n < 0 && errno == EINTR);
  return done(n);
}

Result<size_t> preadv(int fd, wasi::IoVecs iovs, uint64_t offset) {
  if (offset > INT64_MAX) return Errno::inval;
  HostIovecs h(iovs);
  ssize_t n;
  do n = ::preadv(fd, h.view.data(), static_cast<int>(h.view.size()), static_cast<off_t>(offset));
  while (n < 0 && errno == EINTR);
  return done(n);
}

Result<size_t> pwritev(int fd, wasi::IoVecs iovs, uint64_t offset) {
  if (offset > INT64_MAX) return Errno::inval;
  HostIovecs h(iovs);
  ssize_t n;
  do n = ::pwritev(fd, h.view.data(), static_cast<int>(h.view.size()), static_cast<off_t>(offset));
  while (n < 0 && errno == EINTR);
  return done(n);
}

// Waits until `fd` shows `events` or `wake_fd` (-1: none) is readable;
// false when the wake came first.
bool wait_for(int fd, short events, int wake_fd) {
  struct pollfd p[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
  for (;;) {
    const int r = ::poll(p, wake_fd >= 0 ? 2 : 1, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return true;  // let the call itself report the problem
    if (wake_fd >= 0 && (p[1].revents & POLLIN)) return false;
    return true;
  }
}

Result<size_t> writev_all(int fd, wasi::IoVecs iovs, int wake_fd) {
  HostIovecs h(iovs);
  std::span<struct iovec> rest = h.view;
  size_t total = 0;
  while (!rest.empty()) {
    ssize_t n = ::writev(fd, rest.data(), static_cast<int>(rest.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        if (wait_for(fd, POLLOUT, wake_fd)) continue;
        if (total > 0) return total;
        return wasi::Errno::intr;  // the guest is being stopped
      }
      if (total > 0) return total;
      return wasi::errno_from_host(errno);
    }
    total += static_cast<size_t>(n);
    size_t left = static_cast<size_t>(n);
    while (!rest.empty() && left >= rest.front().iov_len) {
      left -= rest.front().iov_len;
      rest = rest.subspan(1);
    }
    if (!rest.empty()) {
      rest.front().iov_base = static_cast<char*>(rest.front().iov_base) + left;
      rest.front().iov_len -= left;
    }
  }
  return total;
}

bool readable_now(int fd) {
  struct pollfd p{fd, POLLIN, 0};
  int r;
  do r = ::poll(&p, 1, 0);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

}  // namespace wasinet::os
