#include "net/unix_path.hh"

#include <fcntl.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "wasi/path_resolver.hh"
#include "wasi/preopen_lookup.hh"

namespace wasinet::net {
namespace {

using wasi::Errno;

// A sockaddr_un naming `fd` (and `name` inside it, when given) through
// /proc/self/fd. ENAMETOOLONG when that does not fit sun_path: only a
// last component of some 90 bytes or more gets there.
wasi::Result<HostAddress> proc_fd_address(int fd, std::string_view name) {
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (!name.empty()) {
    path += '/';
    path += name;
  }
  sockaddr_un sun{};
  if (path.size() >= sizeof sun.sun_path) return Errno::nametoolong;
  sun.sun_family = AF_UNIX;
  std::memcpy(sun.sun_path, path.data(), path.size());
  HostAddress out;
  std::memcpy(&out.storage, &sun, sizeof sun);
  out.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return out;
}

Errno check_unix_path(std::string_view path) {
  if (path.empty() || path.size() > kMaxUnixPath || path.find('\0') != std::string_view::npos)
    return Errno::inval;
  // A socket is never a directory: "a/", "a/." and "a/.." cannot name one.
  if (path.back() == '/') return Errno::inval;
  const size_t slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (last == "." || last == "..") return Errno::inval;
  return Errno::success;
}

}  // namespace

wasi::Result<UnixTarget> resolve_unix_path(wasi::FdTable& fds, std::string_view guest_path,
                                           bool for_bind) {
  WASINET_CHECK(check_unix_path(guest_path));
  WASINET_TRY(wasi::PreopenMatch match, wasi::find_preopen(fds, guest_path));
  const int dir_fd = match.dir->dir_fd();

  UnixTarget target;
  if (!for_bind) {
    // Connect and sendto follow a symlink in the last component; through
    // /proc/self/fd/N/NAME the kernel would follow it anywhere on the host.
    // Opening the socket file itself beneath the preopen keeps symlinks
    // inside it, and the socket is then reached through its own O_PATH fd.
    WASINET_TRY(target.parent, wasi::open_beneath(dir_fd, match.relative, O_PATH));
    WASINET_TRY(target.address, proc_fd_address(target.parent.get(), {}));
    return target;
  }

  if ((match.rights_base & wasi::rights::path_create_file) == 0 || match.dir->read_only())
    return Errno::notcapable;
  // The path names the preopen itself, which exists: bind(2) would say so.
  if (match.relative == ".") return Errno::addrinuse;
  // bind creates the last component without following it (an existing
  // name, symlink or not, is EADDRINUSE), so only the parent needs to be
  // confined.
  WASINET_TRY(wasi::ParentPath parent, wasi::resolve_parent(dir_fd, match.relative));
  if (parent.owned) {
    target.parent = std::move(parent.owned);
  } else {
    // The socket call may outlive the preopen's fd (a concurrent fd_close).
    const int dup = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (dup < 0) return wasi::errno_from_host(errno);
    target.parent = os::UniqueFd(dup);
  }
  WASINET_TRY(target.address, proc_fd_address(target.parent.get(), parent.name));
  return target;
}

}  // namespace wasinet::net
