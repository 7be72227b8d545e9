#pragma once
// The system resolver (getaddrinfo/getservbyname), with errors a guest can
// tell apart. No policy here: socket_calls.hh asks the Network first.
#include <cstdint>
#include <string_view>
#include <vector>

#include "net/address.hh"
#include "wasi/result.hh"

namespace wasinet::net {

enum class IpVersion : uint8_t { any, v4, v6 };

// Every address of `host`, in the resolver's order, without duplicates
// (ports are 0). A literal IP resolves to itself. Errors: ENOENT no such
// host (or no address of that version), EAGAIN temporary failure, EINVAL
// empty, over 253 bytes (a final dot not counted), or holding a NUL; ENOMEM
// when the resolver ran out of memory; EIO other resolver failures. Blocks
// in getaddrinfo (bounded by resolv.conf's timeout and attempts).
wasi::Result<std::vector<Address>> resolve_host(std::string_view host, IpVersion version);

// A port number ("8080", 0..65535) or service name ("http") for protocol
// "tcp" or "udp" (also "tcp4", "tcp6", "udp4", "udp6"). Names come from the
// services database, then from a short built-in list of well-known ports
// (http, https, domain, ...) so hosts without /etc/services answer them too.
// ENOENT unknown service; EINVAL an other protocol, an empty, over-long or
// NUL-holding service, or a number above 65535.
wasi::Result<uint16_t> resolve_service(std::string_view protocol, std::string_view service);

}  // namespace wasinet::net
