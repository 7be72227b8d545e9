#include "net/policy/unix_host_path.hh"

#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string_view>

#include "wasi/directory.hh"
#include "wasi/preopen_lookup.hh"

namespace wasinet::net::policy {

namespace {

// The host path of an open descriptor, as the kernel knows it.
std::string fd_path(int fd) {
  char buf[4096];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf || buf[0] != '/') return {};
  std::string host(buf, static_cast<size_t>(n));
  // A directory or file removed since it was opened: not a path to match.
  if (host.ends_with(" (deleted)")) return {};
  return host;
}

std::string join(const std::string& dir, std::string_view rest) {
  if (rest.empty() || rest == ".") return dir;
  if (dir == "/") return "/" + std::string(rest);
  return dir + "/" + std::string(rest);
}

}  // namespace

std::string unix_host_path_lexical(wasi::FdTable& fds, std::string_view guest_path) {
  wasi::Result<wasi::PreopenMatch> m = wasi::find_preopen(fds, guest_path);
  if (!m.ok()) return {};
  const std::string dir = fd_path(m->dir->dir_fd());
  if (dir.empty()) return dir;
  // ".." may climb out of the preopen on paper; resolution would refuse
  // it, and so does this (no host path: the policy refuses).
  const std::string p = std::filesystem::path(join(dir, m->relative)).lexically_normal().string();
  if (p != dir && !p.starts_with(dir == "/" ? dir : dir + "/")) return {};
  return p;
}

std::string unix_host_path(const UnixTarget& target) {
  if (target.address.family() != AF_UNIX || !target.parent) return {};
  const auto* sun = reinterpret_cast<const sockaddr_un*>(&target.address.storage);
  const std::string_view path(sun->sun_path, strnlen(sun->sun_path, sizeof sun->sun_path));
  // What follows /proc/self/fd/N: "/NAME" for a bind, nothing for a connect.
  const std::string fd_link = "/proc/self/fd/" + std::to_string(target.parent.get());
  if (!path.starts_with(fd_link)) return {};
  const std::string_view rest = path.substr(fd_link.size());
  if (!rest.empty() && rest.front() != '/') return {};

  const std::string host = fd_path(target.parent.get());
  if (host.empty()) return host;
  return rest.empty() ? host : join(host, rest.substr(1));
}

}  // namespace wasinet::net::policy
