#pragma once
// The host path a unix guest path leads to, which --allow-unix grants are
// matched against.
#include <string>
#include <string_view>

#include "net/unix_path.hh"
#include "wasi/fd_table.hh"

namespace wasinet::net::policy {

// resolve_unix_path reaches the socket through /proc/self/fd/N[/NAME],
// N being an O_PATH descriptor opened beneath the preopen; the kernel
// knows where N really is, symlinks resolved: that path, plus /NAME for a
// bind. Empty when it cannot be told (the directory was removed).
std::string unix_host_path(const UnixTarget& target);

// Where `guest_path` would be on the host when it cannot be resolved (a
// socket file that does not exist yet): the preopen's host directory and
// the rest of the path, joined without resolving anything. Empty outside
// every preopen, or when ".." climbs out of it.
std::string unix_host_path_lexical(wasi::FdTable& fds, std::string_view guest_path);

}  // namespace wasinet::net::policy
