#include "net/shared_binds.hh"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

namespace wasinet::net {

std::optional<os::UniqueFd> SharedBinds::listen_or_share(const std::string& address, int own_fd, int backlog,
                                                         int& error) {
  error = 0;
  std::lock_guard lock(mu_);
  if (auto it = sockets_.find(address); it != sockets_.end()) {
    os::UniqueFd copy(::fcntl(it->second.get(), F_DUPFD_CLOEXEC, 3));
    if (copy) return copy;
    error = errno;
    return std::nullopt;
  }
  if (::listen(own_fd, backlog) != 0) {
    error = errno;
    return std::nullopt;
  }
  if (sockets_.size() >= kMaxAddresses) return std::nullopt;
  os::UniqueFd copy(::fcntl(own_fd, F_DUPFD_CLOEXEC, 3));
  if (copy) sockets_.emplace(address, std::move(copy));
  return std::nullopt;
}

}  // namespace wasinet::net
