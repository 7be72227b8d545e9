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
// empty, over 253 bytes, or holding a NUL; EIO other resolver failures.
wasi::Result<std::vector<Address>> resolve_host(std::string_view host, IpVersion version);

// A port number ("8080") or service name ("http") for protocol "tcp" or
// "udp". ENOENT unknown service, EINVAL bad input.
wasi::Result<uint16_t> resolve_service(std::string_view protocol, std::string_view service);

}  // namespace wasinet::net
