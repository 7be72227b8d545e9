#pragma once
// Unix socket paths are guest paths: resolved through the preopened
// directories exactly like file paths (wasi/preopen_lookup.hh). An absolute
// path goes to the preopen with the longest matching guest prefix; a
// relative path is taken relative to the first preopened directory (Go's
// working directory when PWD is unset). Linux has no bindat/connectat, so
// the socket is reached through /proc/self/fd, which also lifts the 108-byte
// sun_path limit for guest paths of up to 122 bytes:
//  - bind: the parent directory is opened beneath the preopen (O_PATH,
//    openat2 RESOLVE_BENEATH) and the address is /proc/self/fd/N/NAME;
//    bind never follows NAME, so nothing is created outside the preopen;
//  - connect / sendto: the socket file itself is opened beneath the
//    preopen (O_PATH, symlinks followed but confined) and the address is
//    /proc/self/fd/N; through the parent the kernel would follow a symlink
//    NAME to anywhere on the host.
#include <string>
#include <string_view>

#include "net/host_address.hh"
#include "os/unique_fd.hh"
#include "wasi/fd_table.hh"

namespace wasinet::net {

// Longest unix socket path a guest may name (wasinet_v0's address body).
inline constexpr size_t kMaxUnixPath = 122;

struct UnixTarget {
  // Keep open until bind/connect/sendto returns: the parent directory
  // (bind) or the socket file (connect), both O_PATH.
  os::UniqueFd parent;
  // bind: the last component, which bind creates inside `parent`;
  // connect: empty. Kept so nothing has to parse `address` back.
  std::string name;
  HostAddress address;  // sockaddr_un naming /proc/self/fd/N[/NAME]

  // Where the socket is on the host: the kernel's path of `parent`
  // (symlinks resolved), plus /NAME for a bind. Empty when it cannot be
  // told (the directory was removed).
  std::string host_path() const;
};

// EINVAL for an empty path, one over kMaxUnixPath, holding a NUL, ending in
// '/' or whose last component is "." or ".."; ENOTCAPABLE outside every
// preopen (or escaping one, `..` or symlinks); ENOENT for a missing parent
// directory (bind) or socket file (connect). `for_bind`: the preopen must
// allow creating files (ENOTCAPABLE when its rights lack path_create_file or
// it is read-only); EADDRINUSE when the path names the preopen itself;
// ENAMETOOLONG when /proc/self/fd/N/NAME does not fit sun_path (a last
// component of about 90 bytes or more).
wasi::Result<UnixTarget> resolve_unix_path(wasi::FdTable& fds, std::string_view guest_path,
                                           bool for_bind);

// The host path a Network judges a unix guest path by (--allow-unix grants
// host paths), given what resolve_unix_path made of it: the target's
// host_path(); or, when it could not be resolved (a socket file that does
// not exist yet), where it would be: the preopen's host directory and the
// rest of the path, joined without resolving anything. Empty outside every
// preopen, or when ".." climbs out of it (the policy then refuses).
std::string unix_host_path(wasi::FdTable& fds, std::string_view guest_path,
                           const wasi::Result<UnixTarget>& resolved);

// `dir`/`rest` with one '/' between them; `dir` alone when `rest` is empty
// or "."; `rest` alone when `dir` is empty or ".".
std::string join_path(std::string_view dir, std::string_view rest);

}  // namespace wasinet::net
