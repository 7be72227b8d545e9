#pragma once
// The names of unix sockets, between guest paths and what the kernel says.
//
// The kernel names a bound unix socket by the exact path it was bound
// through, and reports that string to its peers (getpeername, a datagram's
// source). Guests name sockets by guest paths, resolved beneath a preopen
// (unix_path.hh). So:
//  - a bind goes through the directory's real host path when that fits
//    sun_path and still names the directory resolved beneath the preopen,
//    so that a native peer can answer the address it sees; otherwise through
//    /proc/self/fd/N/NAME, made unique among live sockets (fd numbers are
//    recycled);
//  - every name a guest binds is remembered with its guest path while the
//    socket lives, and a name this guest did not bind is mapped back through
//    the preopened directories when it lies beneath one.
#include <string>

#include "net/host_address.hh"
#include "net/socket.hh"
#include "net/unix_path.hh"
#include "wasi/context.hh"

namespace wasinet::net {

// Binds the unix `socket` as `guest_path`, which resolve_unix_path resolved
// (for_bind) to `target`. Errors of bind(2) (EADDRINUSE, ...), or
// ENAMETOOLONG when no name fits sun_path.
wasi::Status bind_unix(const wasi::Context& ctx, Socket& socket, const UnixTarget& target,
                       const std::string& guest_path);

// The guest path `ctx` knows a kernel unix name `h` by: the path one of its
// own sockets was bound as; else a host path beneath one of its preopened
// directories, through the deepest such; else empty (unnamed, or out of
// the guest's sight).
std::string guest_unix_path(wasi::Context& ctx, const HostAddress& h);

}  // namespace wasinet::net
