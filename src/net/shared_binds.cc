#include "net/shared_binds.hh"

#include <fcntl.h>

namespace wasinet::net {

std::optional<os::UniqueFd> SharedBinds::duplicate(const std::string& address) const {
  std::lock_guard lock(mu_);
  auto it = sockets_.find(address);
  if (it == sockets_.end()) return std::nullopt;
  os::UniqueFd copy(::fcntl(it->second.get(), F_DUPFD_CLOEXEC, 3));
  if (!copy) return std::nullopt;
  return copy;
}

void SharedBinds::keep(const std::string& address, int listening_fd) {
  std::lock_guard lock(mu_);
  if (sockets_.count(address)) return;
  os::UniqueFd copy(::fcntl(listening_fd, F_DUPFD_CLOEXEC, 3));
  if (copy) sockets_.emplace(address, std::move(copy));
}

}  // namespace wasinet::net
