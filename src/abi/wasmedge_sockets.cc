// WasmEdge's socket calls: decode, check every range, call the networking
// core (net/socket_calls.hh), encode. As in wasinet_v0.cc the fd is checked
// first, then numbers and flags, then every guest range including the
// out-parameters, and only then the core, so a bad out-pointer never loses
// a connection or a datagram.
//
// WasmEdge's sockets are created blocking, as in its host; guests switch
// them with fd_fdstat_set_flags, and every call follows the fd's mode.
#include "abi/wasmedge_sockets.hh"

#include <algorithm>
#include <optional>
#include <string>

#include "abi/host_function.hh"
#include "abi/wasmedge_address.hh"
#include "net/retry_guard.hh"
#include "net/socket_calls.hh"
#include "wasinet/error.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

std::optional<net::Family> family_of(uint32_t af) {
  switch (af) {
    case kWasmEdgeInet4: return net::Family::inet;
    case kWasmEdgeInet6: return net::Family::inet6;
    case kWasmEdgeUnix: return net::Family::unix_;
    default: return std::nullopt;
  }
}

Result<net::Address> read_address(Call& c, uint32_t addr_ptr, uint32_t port) {
  WASINET_TRY(std::span<uint8_t> raw, wasmedge_address_buffer(c.memory, addr_ptr));
  return decode_wasmedge_address(raw, port);
}

Errno sock_open(Call& c, uint32_t af, uint32_t type, uint32_t fd_out) {
  const std::optional<net::Family> family = family_of(af);
  if (!family) return Errno::afnosupport;
  if (type != kWasmEdgeSockStream && type != kWasmEdgeSockDgram) return Errno::inval;
  WASINET_CHECK(c.memory.check_range<uint32_t>(fd_out));
  const auto socktype = type == kWasmEdgeSockStream ? net::SocketType::stream : net::SocketType::datagram;
  WASINET_TRY(wasi::Fd fd, net::open_socket(c.ctx, *family, socktype, 0, /*fdflags=*/0));
  return c.memory.store<uint32_t>(fd_out, fd);
}

Errno sock_bind(Call& c, uint32_t fd, uint32_t addr, uint32_t port) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  WASINET_TRY(net::Address a, read_address(c, addr, port));
  return net::bind(c.ctx, s, a);
}

Errno sock_connect(Call& c, uint32_t fd, uint32_t addr, uint32_t port) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  WASINET_TRY(net::Address a, read_address(c, addr, port));
  return net::connect(c.ctx, s, a);
}

Errno sock_listen(Call& c, uint32_t fd, int32_t backlog) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  return net::listen(c.ctx, s, backlog);
}

// The first version's accept: no flags, so the new fd is blocking (as
// WasmEdge's; wasmedge_wasi_socket sets the mode it wants right after).
Errno sock_accept_v1(Call& c, uint32_t fd, uint32_t fd_out) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd, wasi::rights::sock_accept));
  WASINET_CHECK(c.memory.check_range<uint32_t>(fd_out));
  WASINET_TRY(net::AcceptedFd accepted, net::retry_guarded(c.ctx, s.socket, [&] {
                return net::accept(c.ctx, s, /*fdflags=*/0);
              }));
  return c.memory.store<uint32_t>(fd_out, accepted.fd);
}

// Both versions' sock_recv_from. The sender goes into the guest's address
// buffer when it fits there (as WasmEdge, a sender that does not fit is
// left out rather than failing the call that already took the datagram);
// the second version also writes the port, a u32 in host order (WasmEdge
// writes the network-order u16 there; the guests read a number).
Errno recv_from(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t addr,
                uint32_t ri_flags, std::optional<uint32_t> port_out, uint32_t nread_out,
                uint32_t oflags_out) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd, wasi::rights::fd_read));
  WASINET_TRY(net::RecvOptions options, recv_options(ri_flags));
  options.want_from = true;
  WASINET_TRY(auto bufs, c.memory.iovecs(iovs, iovs_len));
  WASINET_TRY(std::span<uint8_t> from_out, wasmedge_address_buffer(c.memory, addr));
  if (port_out) WASINET_CHECK(c.memory.check_range<uint32_t>(*port_out));
  WASINET_CHECK(c.memory.check_range<uint32_t>(nread_out));
  WASINET_CHECK(c.memory.check_range<uint16_t>(oflags_out));
  WASINET_TRY(net::ReceivedFrom r,
              net::retry_guarded(c.ctx, s.socket, [&] { return net::recv(c.ctx, s, bufs, options); }));
  uint32_t port = 0;
  if (r.from) {
    if (encode_wasmedge_address(*r.from, from_out) == Errno::success) port = r.from->port;
  } else if (from_out.size() >= kWasmEdgeStorageSize) {
    std::fill_n(from_out.begin(), kWasmEdgeStorageSize, uint8_t{0});  // family unspec
  }
  if (port_out) WASINET_CHECK(c.memory.store<uint32_t>(*port_out, port));
  WASINET_CHECK(c.memory.store<uint32_t>(nread_out, static_cast<uint32_t>(r.bytes)));
  return c.memory.store<uint16_t>(oflags_out, r.truncated ? wasi::roflags::recv_data_truncated : 0);
}

Errno sock_recv_from_v1(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t addr,
                        uint32_t ri_flags, uint32_t nread_out, uint32_t oflags_out) {
  return recv_from(c, fd, iovs, iovs_len, addr, ri_flags, std::nullopt, nread_out, oflags_out);
}

Errno sock_recv_from_v2(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t addr,
                        uint32_t ri_flags, uint32_t port_out, uint32_t nread_out,
                        uint32_t oflags_out) {
  return recv_from(c, fd, iovs, iovs_len, addr, ri_flags, port_out, nread_out, oflags_out);
}

// si_flags are ignored, as in WasmEdge (preview1 defines none). A stream
// socket sends to its peer: the address is not read (guests pass their
// peer's, or an empty buffer); a datagram socket reads it unless empty.
Errno sock_send_to(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t addr,
                   uint32_t port, uint32_t /*si_flags*/, uint32_t nwritten_out) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd, wasi::rights::fd_write));
  WASINET_TRY(auto bufs, c.memory.iovecs(iovs, iovs_len));
  WASINET_CHECK(c.memory.check_range<uint32_t>(nwritten_out));
  std::optional<net::Address> to;
  if (s.socket->type() == net::SocketType::datagram) {
    WASINET_TRY(std::span<uint8_t> raw, wasmedge_address_buffer(c.memory, addr));
    if (!raw.empty()) {
      WASINET_TRY(to, decode_wasmedge_address(raw, port));
    }
  }
  WASINET_TRY(size_t sent, net::send(c.ctx, s, bufs, to ? &*to : nullptr));
  return c.memory.store<uint32_t>(nwritten_out, static_cast<uint32_t>(sent));
}

// sock_getlocaladdr / sock_getpeeraddr: the socket's address (`which`) in
// the guest's buffer, its port as a u32; the first version also writes an
// address type, 4 or 6 as WasmEdge does (not its family number).
template <wasi::Result<net::Address> (*which)(wasi::Context&, const net::SocketFd&)>
Errno sock_address(Call& c, uint32_t fd, uint32_t addr, std::optional<uint32_t> type_out,
                   uint32_t port_out) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  WASINET_TRY(std::span<uint8_t> out, wasmedge_address_buffer(c.memory, addr));
  if (type_out) WASINET_CHECK(c.memory.check_range<uint32_t>(*type_out));
  WASINET_CHECK(c.memory.check_range<uint32_t>(port_out));
  WASINET_TRY(net::Address a, which(c.ctx, s));
  WASINET_CHECK(encode_wasmedge_address(a, out));
  if (type_out) {
    const uint32_t type = a.family == net::Family::inet ? 4 : a.family == net::Family::inet6 ? 6 : kWasmEdgeUnix;
    WASINET_CHECK(c.memory.store<uint32_t>(*type_out, type));
  }
  return c.memory.store<uint32_t>(port_out, a.port);
}

template <wasi::Result<net::Address> (*which)(wasi::Context&, const net::SocketFd&)>
Errno sock_address_v1(Call& c, uint32_t fd, uint32_t addr, uint32_t type_out, uint32_t port_out) {
  return sock_address<which>(c, fd, addr, type_out, port_out);
}

template <wasi::Result<net::Address> (*which)(wasi::Context&, const net::SocketFd&)>
Errno sock_address_v2(Call& c, uint32_t fd, uint32_t addr, uint32_t port_out) {
  return sock_address<which>(c, fd, addr, std::nullopt, port_out);
}

// preview1's version of a call under another name (WasmEdge's `_v2`
// names for calls that match preview1's).
engine::HostFunction renamed(const HostFunctions& from, std::string_view name, std::string new_name) {
  for (const engine::HostFunction& f : from)
    if (f.name == name) {
      engine::HostFunction copy = f;
      copy.name = std::move(new_name);
      return copy;
    }
  throw Error("no preview1 function " + std::string(name));
}

}  // namespace

void add_wasmedge_sockets(HostFunctions& out) {
  // Both names of each call: WasmEdge registers the unsuffixed ones and
  // `_v2` ones; guests import the unsuffixed names with either signature.
  for (const std::string suffix : {"", "_v2"}) {
    out.push_back(bind<&sock_open>(kPreview1, "sock_open" + suffix));
    out.push_back(bind<&sock_bind>(kPreview1, "sock_bind" + suffix));
    out.push_back(bind<&sock_connect>(kPreview1, "sock_connect" + suffix));
    out.push_back(bind<&sock_listen>(kPreview1, "sock_listen" + suffix));
    out.push_back(bind<&sock_send_to>(kPreview1, "sock_send_to" + suffix));
  }
  out.push_back(bind<&sock_accept_v1>(kPreview1, "sock_accept"));
  out.push_back(bind<&sock_recv_from_v1>(kPreview1, "sock_recv_from"));
  out.push_back(bind<&sock_recv_from_v2>(kPreview1, "sock_recv_from"));
  out.push_back(bind<&sock_recv_from_v2>(kPreview1, "sock_recv_from_v2"));
  out.push_back(bind<&sock_address_v1<&net::local_address>>(kPreview1, "sock_getlocaladdr"));
  out.push_back(bind<&sock_address_v2<&net::local_address>>(kPreview1, "sock_getlocaladdr"));
  out.push_back(bind<&sock_address_v2<&net::local_address>>(kPreview1, "sock_getlocaladdr_v2"));
  out.push_back(bind<&sock_address_v1<&net::peer_address>>(kPreview1, "sock_getpeeraddr"));
  out.push_back(bind<&sock_address_v2<&net::peer_address>>(kPreview1, "sock_getpeeraddr"));
  out.push_back(bind<&sock_address_v2<&net::peer_address>>(kPreview1, "sock_getpeeraddr_v2"));

  HostFunctions p1;
  add_preview1_sock(p1);
  out.push_back(renamed(p1, "sock_accept", "sock_accept_v2"));
  out.push_back(renamed(p1, "sock_recv", "sock_recv_v2"));
  out.push_back(renamed(p1, "sock_send", "sock_send_v2"));

  add_wasmedge_options(out);
  add_wasmedge_addrinfo(out);
}

}  // namespace wasinet::abi
