#pragma once
// poll_oneoff's wait set, kept between calls. Go's netpoller passes every
// descriptor it waits on in every call: with 10,000 idle connections, ppoll
// would look at 10,000 descriptors per call. The registry keeps one epoll
// instance per guest instead, changes its registrations only where a call's
// set differs from the previous call's, and lets the kernel report just
// what is ready.
//
// Registrations are level-triggered and dropped as soon as a call no longer
// asks for them, so a ready descriptor nobody waits for never ends a wait.
#include <poll.h>
#include <sys/epoll.h>

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "os/unique_fd.hh"
#include "wasi/file_object.hh"

namespace wasinet::wasi {

class PollRegistry {
 public:
  // The epoll instance is made up front, so its number is never one a
  // guest object's descriptor just gave up. Without one (no descriptor
  // left), wait() fails and poll_oneoff uses ppoll.
  PollRegistry();

  // What ppoll(fds, n, timeout) does, with the same pollfd array: fills in
  // revents and returns how many are ready, 0 on timeout, -1 with errno.
  // owners[i] is the object behind fds[i] (kept registered while alive);
  // null marks a descriptor of the host's own (the wake event), which stays
  // registered for good. Descriptors epoll cannot watch (a regular file,
  // /dev/null) are ready at once, as poll says they are.
  int wait(std::span<pollfd> fds, std::span<const std::shared_ptr<FileObject>* const> owners,
           const timespec* timeout);

  // Takes `host_fd` out of the kernel's wait set now, from any thread (the
  // kernel's set is thread-safe; the registry's own entry is dropped by the
  // next wait that does not ask for it).
  void unregister_now(int host_fd) const noexcept;

  // Descriptors registered now (for tests).
  size_t registered() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::weak_ptr<FileObject> owner;  // expired: the host fd was closed
    bool permanent = false;
    bool exclusive = false;  // registered with EPOLLEXCLUSIVE (which MOD cannot change)
    short events = 0;
    uint64_t generation = 0;
    uint32_t slot = 0;  // index into this call's pollfd array
  };
  // -1 with errno, 0 registered, 1 cannot be watched (always ready).
  int want(const pollfd& pfd, const std::shared_ptr<FileObject>* owner, uint32_t slot);

  os::UniqueFd epoll_;
  std::unordered_map<int, Entry> entries_;
  uint64_t generation_ = 0;
  std::vector<struct epoll_event> events_;  // reused: no allocation per call
};

}  // namespace wasinet::wasi
