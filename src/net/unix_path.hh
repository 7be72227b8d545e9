#pragma once
// Unix socket paths are guest paths: resolved through the preopened
// directories exactly like file paths. An absolute path goes to the preopen
// with the longest matching guest prefix; a relative path is taken relative
// to the first preopened directory (Go's working directory when PWD is
// unset). The parent directory is opened beneath the preopen (O_PATH,
// openat2 RESOLVE_BENEATH), and the socket is bound or connected through
// /proc/self/fd/N/NAME: Linux has no bindat/connectat, and this also lifts
// the 108-byte sun_path limit for guest paths of up to 122 bytes.
#include <string_view>

#include "net/host_address.hh"
#include "os/unique_fd.hh"
#include "wasi/fd_table.hh"

namespace wasinet::net {

// Longest unix socket path a guest may name (wasinet_v0's address body).
inline constexpr size_t kMaxUnixPath = 122;

struct UnixTarget {
  os::UniqueFd parent;  // keep open until bind/connect returns
  HostAddress address;  // sockaddr_un naming /proc/self/fd/N/NAME
};

// EINVAL for an empty path, one over kMaxUnixPath or holding a NUL;
// ENOTCAPABLE outside every preopen (or escaping one); ENOENT for a missing
// parent directory. `for_bind`: the preopen must allow creating files
// (ENOTCAPABLE for a read-only one).
wasi::Result<UnixTarget> resolve_unix_path(wasi::FdTable& fds, std::string_view guest_path,
                                           bool for_bind);

}  // namespace wasinet::net
