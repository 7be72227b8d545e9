#include "os/io_linux.hh"

#include <poll.h>
#include <sys/uio.h>

#include <cerrno>
#include <climits>
#include <ctime>

namespace wasinet::os {
namespace {

HostResult<size_t> done(ssize_t n) {
  if (n < 0) return HostResult<size_t>::failed(errno);
  return {static_cast<size_t>(n)};
}

int count(std::span<const iovec> iovs) { return static_cast<int>(iovs.size()); }

}  // namespace

HostResult<size_t> readv(int fd, std::span<const iovec> iovs) {
  ssize_t n;
  do n = ::readv(fd, iovs.data(), count(iovs));
  while (n < 0 && errno == EINTR);
  return done(n);
}

HostResult<size_t> writev(int fd, std::span<const iovec> iovs) {
  ssize_t n;
  do n = ::writev(fd, iovs.data(), count(iovs));
  while (n < 0 && errno == EINTR);
  return done(n);
}

HostResult<size_t> preadv(int fd, std::span<const iovec> iovs, uint64_t offset) {
  if (offset > INT64_MAX) return HostResult<size_t>::failed(EINVAL);
  ssize_t n;
  do n = ::preadv(fd, iovs.data(), count(iovs), static_cast<off_t>(offset));
  while (n < 0 && errno == EINTR);
  return done(n);
}

HostResult<size_t> pwritev(int fd, std::span<const iovec> iovs, uint64_t offset) {
  if (offset > INT64_MAX) return HostResult<size_t>::failed(EINVAL);
  ssize_t n;
  do n = ::pwritev(fd, iovs.data(), count(iovs), static_cast<off_t>(offset));
  while (n < 0 && errno == EINTR);
  return done(n);
}

void advance(std::span<iovec>& iovs, size_t n) noexcept {
  while (!iovs.empty() && n >= iovs.front().iov_len) {
    n -= iovs.front().iov_len;
    iovs = iovs.subspan(1);
  }
  if (!iovs.empty()) {
    iovs.front().iov_base = static_cast<char*>(iovs.front().iov_base) + n;
    iovs.front().iov_len -= n;
  }
}

HostResult<size_t> writev_all(int fd, std::span<iovec> iovs, int wake_fd) {
  size_t total = 0;
  while (!iovs.empty()) {
    const ssize_t n = ::writev(fd, iovs.data(), count(iovs));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      if (err == EAGAIN) {
        err = wait_ready(fd, POLLOUT, wake_fd);
        if (err == 0) continue;
      }
      if (total > 0) return {total};
      return HostResult<size_t>::failed(err);
    }
    total += static_cast<size_t>(n);
    advance(iovs, static_cast<size_t>(n));
  }
  return {total};
}

HostStatus wait_ready(int fd, short events, int wake_fd,
                      std::optional<std::chrono::steady_clock::time_point> deadline) {
  using std::chrono::steady_clock;
  for (;;) {
    timespec timeout{};
    if (deadline) {
      const auto left = *deadline - steady_clock::now();
      if (left <= steady_clock::duration::zero()) return ETIMEDOUT;
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      timeout.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      timeout.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    }
    // ppoll ignores a negative fd, so "no wake event" and "no fd" need no
    // branch.
    pollfd p[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    const int n = ::ppoll(p, 2, deadline ? &timeout : nullptr, nullptr);
    if (n < 0) {
      // A signal: its handler fires the wake event if the guest must stop,
      // which the next round sees; otherwise keep waiting.
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return ETIMEDOUT;
    // Stopping wins over readiness: the guest is being ended.
    if (p[1].revents & POLLIN) return EINTR;
    if (p[0].revents & POLLNVAL) return EBADF;
    if (p[0].revents & (events | POLLERR | POLLHUP)) return 0;
  }
}

bool ready_now(int fd, short events) {
  pollfd p{fd, events, 0};
  int r;
  do r = ::poll(&p, 1, 0);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

}  // namespace wasinet::os
