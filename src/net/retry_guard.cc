#include "net/retry_guard.hh"

#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>

namespace wasinet::net {
namespace {

constexpr uint64_t kWakeMarker = ~uint64_t{0};
constexpr uint32_t kSocketEvents = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;

}  // namespace

RetryGuard::RetryGuard(const Settings& settings)
    : settings_(settings), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {}

bool RetryGuard::watch(const std::shared_ptr<wasi::FileObject>& object, int wake_fd) {
  if (!epoll_) return false;
  if (!wake_registered_) {
    wake_registered_ = true;
    if (wake_fd >= 0) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = kWakeMarker;
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_fd, &ev);
    }
  }
  const int host_fd = object->host_fd();
  if (host_fd < 0) return false;

  epoll_event ev{};
  ev.events = kSocketEvents;
  ev.data.u64 = static_cast<uint64_t>(host_fd);
  auto it = watched_.find(host_fd);
  if (it != watched_.end() && it->second.object.lock() == object) {
    if (it->second.armed) return true;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, host_fd, &ev) != 0) return false;
    it->second.armed = true;
    return true;
  }
  // A new socket, or its number now names another object: the old
  // registration left the kernel's set when the old object was closed.
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, host_fd, &ev) != 0) {
    if (errno != EEXIST || ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, host_fd, &ev) != 0) return false;
  }
  watched_[host_fd] = {object, true};
  return true;
}

bool RetryGuard::on_again(const std::shared_ptr<wasi::FileObject>& socket, int wake_fd) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ > settings_.max_gap) {  // the guest worked in between
    streak_ = 0;
    wait_ = settings_.first_wait;
  }
  last_ = now;
  if (!watch(socket, wake_fd)) return false;
  if (++streak_ < settings_.streak) return false;

  epoll_event ev;
  int n;
  do {
    n = ::epoll_wait(epoll_.get(), &ev, 1, static_cast<int>(wait_.count()));
  } while (n < 0 && errno == EINTR);
  ++waits_;
  if (n > 0 && ev.data.u64 != kWakeMarker) {
    // One-shot: disarmed until the guest retries it and hears EAGAIN.
    auto it = watched_.find(static_cast<int>(ev.data.u64));
    if (it != watched_.end()) it->second.armed = false;
  }
  // Something arrived: the guest is about to make progress, so the next
  // wait starts short again; nothing did: wait longer next time.
  wait_ = n > 0 ? settings_.first_wait : std::min(wait_ * 2, settings_.max_wait);
  last_ = std::chrono::steady_clock::now();
  return true;
}

void RetryGuard::on_progress() noexcept {
  streak_ = 0;
  wait_ = settings_.first_wait;
}

}  // namespace wasinet::net
