#include "net/host_address.hh"

#include <netinet/in.h>
#include <sys/un.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace wasinet::net {

using wasi::Errno;

int host_family(Family f) {
  switch (f) {
    case Family::inet: return AF_INET;
    case Family::inet6: return AF_INET6;
    case Family::unix_: return AF_UNIX;
  }
  return AF_UNSPEC;
}

wasi::Result<HostAddress> unix_host_address(std::string_view path) {
  sockaddr_un sun{};
  if (path.size() >= sizeof sun.sun_path) return Errno::nametoolong;
  sun.sun_family = AF_UNIX;
  std::memcpy(sun.sun_path, path.data(), path.size());
  HostAddress h;
  std::memcpy(&h.storage, &sun, sizeof sun);
  h.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return h;
}

wasi::Result<HostAddress> to_host(const Address& a) {
  HostAddress h;
  switch (a.family) {
    case Family::inet: {
      sockaddr_in sin{};
      sin.sin_family = AF_INET;
      sin.sin_port = htons(a.port);
      std::memcpy(&sin.sin_addr, a.ip.data(), 4);
      std::memcpy(&h.storage, &sin, sizeof sin);
      h.length = sizeof sin;
      return h;
    }
    case Family::inet6: {
      sockaddr_in6 sin6{};
      sin6.sin6_family = AF_INET6;
      sin6.sin6_port = htons(a.port);
      std::memcpy(&sin6.sin6_addr, a.ip.data(), 16);
      sin6.sin6_scope_id = a.scope_id;
      std::memcpy(&h.storage, &sin6, sizeof sin6);
      h.length = sizeof sin6;
      return h;
    }
    case Family::unix_:
      // The guest path must go through the preopens (unix_path.hh).
      return Errno::afnosupport;
  }
  return Errno::afnosupport;
}

wasi::Result<Address> from_host(const HostAddress& h) {
  switch (h.family()) {
    case AF_INET: {
      if (h.length < sizeof(sockaddr_in)) return Errno::inval;
      sockaddr_in sin;
      std::memcpy(&sin, &h.storage, sizeof sin);
      std::array<uint8_t, 4> ip;
      std::memcpy(ip.data(), &sin.sin_addr, 4);
      return Address::ipv4(ip, ntohs(sin.sin_port));
    }
    case AF_INET6: {
      if (h.length < sizeof(sockaddr_in6)) return Errno::inval;
      sockaddr_in6 sin6;
      std::memcpy(&sin6, &h.storage, sizeof sin6);
      std::array<uint8_t, 16> ip;
      std::memcpy(ip.data(), &sin6.sin6_addr, 16);
      return Address::ipv6(ip, ntohs(sin6.sin6_port), sin6.sin6_scope_id);
    }
    case AF_UNIX: {
      // An unnamed socket has no path bytes at all; an abstract one starts
      // with a NUL and is reported empty too (guests cannot name those).
      const size_t offset = offsetof(sockaddr_un, sun_path);
      if (h.length <= offset) return Address::unix_path("");
      sockaddr_un sun;
      std::memcpy(&sun, &h.storage, sizeof sun);
      const size_t max = std::min<size_t>(h.length - offset, sizeof sun.sun_path);
      const size_t len = ::strnlen(sun.sun_path, max);
      return Address::unix_path(std::string(sun.sun_path, len));
    }
    default:
      return Errno::afnosupport;
  }
}

}  // namespace wasinet::net
