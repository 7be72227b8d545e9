#pragma once
// The process's descriptors as /proc/self/fd names them: the one place that
// spells that path. Linux has no bindat/connectat, so unix sockets are
// reached through these names (net/unix_path.hh), and a descriptor's host
// path is read back from them.
#include <string>
#include <string_view>

namespace wasinet::os {

// "/proc/self/fd/N", or "/proc/self/fd/N/NAME" when `name` is not empty.
std::string proc_fd_path(int fd, std::string_view name = {});

// Whether `path` is a /proc/self/fd name (as proc_fd_path makes them).
bool is_proc_fd_path(std::string_view path) noexcept;

// The absolute host path an open descriptor refers to, as the kernel knows
// it (symlinks resolved); empty when it cannot say (a deleted directory, a
// pseudo file, a path longer than PATH_MAX).
std::string host_path_of_fd(int fd);

}  // namespace wasinet::os
