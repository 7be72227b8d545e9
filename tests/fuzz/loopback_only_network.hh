#pragma once
// The Network of the socket targets: fuzzed guest memory can name any
// address on earth, so sockets may reach only the target's own loopback
// ports, and no name is ever resolved (that would ask the name server).
#include <set>

#include "net/network.hh"

namespace wasinet::fuzz {

class LoopbackOnlyNetwork final : public net::Network {
 public:
  std::set<uint16_t> ports;  // the target's own sockets

  wasi::Status check(const net::Request& r) override {
    using net::Operation;
    if (r.op == Operation::resolve) return wasi::Errno::acces;
    if (r.op == Operation::open) return wasi::Errno::success;
    if (!r.address) return wasi::Errno::acces;
    const net::Address a = r.address->unmapped();
    if (a.family != net::Family::inet || a.ip[0] != 127 || a.ip[1] != 0 || a.ip[2] != 0 || a.ip[3] != 1)
      return wasi::Errno::acces;
    if (r.op == Operation::bind) return a.port == 0 ? wasi::Errno::success : wasi::Errno::acces;
    return ports.count(a.port) ? wasi::Errno::success : wasi::Errno::acces;
  }
};

}  // namespace wasinet::fuzz
