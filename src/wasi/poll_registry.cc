#include "wasi/poll_registry.hh"

#include <sys/epoll.h>

#include <cerrno>

namespace wasinet::wasi {
namespace {

// epoll_pwait2 (Linux 5.11) waits in nanoseconds; older kernels round the
// timeout up to whole milliseconds, so a wait never ends early.
int epoll_wait_ns(int epfd, epoll_event* events, int max, const timespec* timeout) {
  static bool have_pwait2 = true;
  if (have_pwait2) {
    const int n = ::epoll_pwait2(epfd, events, max, timeout, nullptr);
    if (n >= 0 || errno != ENOSYS) return n;
    have_pwait2 = false;
  }
  int ms = -1;
  if (timeout) {
    const int64_t ns = static_cast<int64_t>(timeout->tv_sec) * 1'000'000'000 + timeout->tv_nsec;
    const int64_t rounded = (ns + 999'999) / 1'000'000;
    ms = rounded > INT32_MAX ? INT32_MAX : static_cast<int>(rounded);
  }
  return ::epoll_wait(epfd, events, max, ms);
}

}  // namespace

PollRegistry::PollRegistry() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {}

int PollRegistry::want(const pollfd& pfd, const std::shared_ptr<FileObject>* owner, uint32_t slot) {
  epoll_event ev{};
  ev.events = static_cast<uint32_t>(pfd.events);
  ev.data.u64 = static_cast<uint64_t>(static_cast<uint32_t>(pfd.fd));
  // A socket other guests wait on too, waited on for reading only: one
  // event wakes one of them (EPOLLEXCLUSIVE allows no EPOLLOUT).
  const bool exclusive = owner && *owner && (*owner)->exclusive_wait() && pfd.events == POLLIN;
  if (exclusive) ev.events |= EPOLLEXCLUSIVE;
  auto it = entries_.find(pfd.fd);
  const bool same = it != entries_.end() &&
                    (owner ? !it->second.permanent && it->second.owner.lock() == *owner
                           : it->second.permanent);
  if (same) {
    Entry& e = it->second;
    if (e.events != pfd.events) {
      // EPOLL_CTL_MOD cannot add or keep EPOLLEXCLUSIVE: register afresh.
      if (e.exclusive || exclusive) {
        if (::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, pfd.fd, nullptr) != 0 ||
            ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, pfd.fd, &ev) != 0)
          return -1;
      } else if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, pfd.fd, &ev) != 0) {
        return -1;
      }
    }
    e.events = pfd.events;
    e.exclusive = exclusive;
    e.generation = generation_;
    e.slot = slot;
    return 0;
  }
  // New, or the number now names another object (the old one's close took
  // its registration out of the kernel's set; if it was not closed,
  // register it afresh).
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, pfd.fd, &ev) != 0) {
    if (errno == EPERM) {  // regular files, /dev/null: poll calls them ready
      if (it != entries_.end()) entries_.erase(it);
      return 1;
    }
    if (errno != EEXIST || ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, pfd.fd, nullptr) != 0 ||
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, pfd.fd, &ev) != 0)
      return -1;
  }
  Entry e;
  if (owner) e.owner = *owner;
  e.permanent = owner == nullptr;
  e.exclusive = exclusive;
  e.events = pfd.events;
  e.generation = generation_;
  e.slot = slot;
  entries_[pfd.fd] = std::move(e);
  return 0;
}

void PollRegistry::unregister_now(int host_fd) const noexcept {
  if (epoll_) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, host_fd, nullptr);
}

int PollRegistry::wait(std::span<pollfd> fds,
                       std::span<const std::shared_ptr<FileObject>* const> owners,
                       const timespec* timeout) {
  if (!epoll_) {
    errno = EMFILE;
    return -1;
  }
  ++generation_;
  int ready = 0;
  for (size_t i = 0; i < fds.size(); ++i) {
    fds[i].revents = 0;
    const int r = want(fds[i], owners[i], static_cast<uint32_t>(i));
    if (r < 0) return -1;
    if (r > 0) {
      fds[i].revents = fds[i].events;
      ++ready;
    }
  }
  // What this call does not ask for must not end its wait.
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.generation == generation_ || it->second.permanent) {
      ++it;
      continue;
    }
    if (!it->second.owner.expired()) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->first, nullptr);
    it = entries_.erase(it);
  }

  static const timespec kNoWait{};
  if (events_.size() < fds.size() + 1) events_.resize(fds.size() + 1);
  const int n = epoll_wait_ns(epoll_.get(), events_.data(), static_cast<int>(fds.size() + 1),
                              ready > 0 ? &kNoWait : timeout);
  if (n < 0) return -1;
  for (int k = 0; k < n; ++k) {
    auto it = entries_.find(static_cast<int>(events_[k].data.u64));
    if (it == entries_.end()) continue;
    const Entry& e = it->second;
    // A permanent entry this call did not pass has a stale slot.
    if (e.slot >= fds.size() || fds[e.slot].fd != it->first) continue;
    pollfd& pfd = fds[e.slot];
    if (pfd.revents == 0) ++ready;
    pfd.revents = static_cast<short>(events_[k].events & 0xffff);
  }
  return ready;
}

}  // namespace wasinet::wasi
