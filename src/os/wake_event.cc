#include "os/wake_event.hh"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "wasinet/error.hh"

namespace wasinet::os {

WakeEvent::WakeEvent() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!fd_) throw Error(std::string("cannot create an eventfd: ") + std::strerror(errno));
}

void WakeEvent::fire() const noexcept {
  const uint64_t one = 1;
  // EAGAIN (counter saturated) still leaves it readable: nothing to do.
  [[maybe_unused]] ssize_t n = ::write(fd_.get(), &one, sizeof one);
}

void WakeEvent::reset() const noexcept {
  uint64_t count = 0;
  [[maybe_unused]] ssize_t n = ::read(fd_.get(), &count, sizeof count);
}

bool WakeEvent::fired() const noexcept {
  pollfd p{fd_.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

}  // namespace wasinet::os
