#include "os/proc_fd.hh"

#include <limits.h>
#include <unistd.h>

namespace wasinet::os {
namespace {

constexpr std::string_view kProcSelfFd = "/proc/self/fd/";

}  // namespace

std::string proc_fd_path(int fd, std::string_view name) {
  std::string path = std::string(kProcSelfFd) + std::to_string(fd);
  if (!name.empty()) {
    path += '/';
    path += name;
  }
  return path;
}

bool is_proc_fd_path(std::string_view path) noexcept { return path.starts_with(kProcSelfFd); }

std::string host_path_of_fd(int fd) {
  const std::string link = proc_fd_path(fd);
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf || buf[0] != '/') return {};
  std::string path(buf, static_cast<size_t>(n));
  // Removed since it was opened: the kernel's name is no path any more.
  if (path.ends_with(" (deleted)")) return {};
  return path;
}

}  // namespace wasinet::os
