#include "net/unix_path.hh"

#include <fcntl.h>

#include <filesystem>
#include <string>

#include "os/proc_fd.hh"
#include "wasi/path_resolver.hh"
#include "wasi/preopen_lookup.hh"

namespace wasinet::net {
namespace {

using wasi::Errno;

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

// Where `guest_path` would be on the host, nothing resolved (see
// unix_host_path).
std::string lexical_host_path(wasi::FdTable& fds, std::string_view guest_path) {
  wasi::Result<wasi::PreopenMatch> m = wasi::find_preopen(fds, guest_path);
  if (!m.ok()) return {};
  const std::string dir = os::host_path_of_fd(m->dir->dir_fd());
  if (dir.empty()) return dir;
  // ".." may climb out of the preopen on paper; resolution would refuse
  // it, and so does this.
  const std::string p =
      std::filesystem::path(join_path(dir, m->relative)).lexically_normal().string();
  if (p != dir && !p.starts_with(dir == "/" ? dir : dir + "/")) return {};
  return p;
}

}  // namespace

std::string join_path(std::string_view dir, std::string_view rest) {
  if (rest.empty() || rest == ".") return std::string(dir);
  if (dir.empty() || dir == ".") return std::string(rest);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out += rest;
  return out;
}

std::string UnixTarget::host_path() const {
  if (!parent) return {};
  const std::string dir = os::host_path_of_fd(parent.get());
  if (dir.empty()) return dir;
  return join_path(dir, name);
}

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
    WASINET_TRY(target.address, unix_host_address(os::proc_fd_path(target.parent.get())));
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
  target.name = std::move(parent.name);
  // ENAMETOOLONG when /proc/self/fd/N/NAME does not fit sun_path: only a
  // last component of some 90 bytes or more gets there.
  WASINET_TRY(target.address,
              unix_host_address(os::proc_fd_path(target.parent.get(), target.name)));
  return target;
}

std::string unix_host_path(wasi::FdTable& fds, std::string_view guest_path,
                           const wasi::Result<UnixTarget>& resolved) {
  return resolved.ok() ? resolved->host_path() : lexical_host_path(fds, guest_path);
}

}  // namespace wasinet::net
