#pragma once
// A host socket address (sockaddr_storage + length) and conversions to and
// from the guest-facing Address for the IP families. Unix addresses are not
// converted here: their guest path must be resolved through the preopens
// (unix_path.hh), and the guest path a socket was bound or connected to is
// kept by the core.
#include <sys/socket.h>

#include <string>
#include <string_view>

#include "net/address.hh"
#include "wasi/result.hh"

namespace wasinet::net {

struct HostAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
};

// inet/inet6 only; EAFNOSUPPORT for unix.
wasi::Result<HostAddress> to_host(const Address& a);
// AF_INET/AF_INET6 → Address; AF_UNIX → a unix Address whose path is the
// host's (callers replace it with the guest path); others EAFNOSUPPORT.
wasi::Result<Address> from_host(const HostAddress& h);

// A sockaddr_un naming the host path `path` (used as it is: the caller has
// resolved it). ENAMETOOLONG when it does not fit sun_path.
wasi::Result<HostAddress> unix_host_address(std::string_view path);

// Host AF_* number for a family.
int host_family(Family f);

}  // namespace wasinet::net
