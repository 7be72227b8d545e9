// wasinet_v0: decode the guest's arguments, check every range, call the
// networking core (net/socket_calls.hh), encode the results. Behaviour
// choices are recorded in docs/wasinet_v0.md.
//
// Order of checks in every call: the fd (EBADF, ENOTSOCK), then flags and
// option numbers, then every guest range (EFAULT) including the out-params,
// and only then the core. So a bad out-pointer never loses an accepted
// connection, a received datagram or a new socket.
#include "abi/wasinet_v0.hh"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "abi/host_function.hh"
#include "abi/raw_socket_address.hh"
#include "abi/socket_option.hh"
#include "net/retry_guard.hh"
#include "net/socket_calls.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

// Linux numbers, which the guests pass.
constexpr uint32_t kSockStream = 1, kSockDgram = 2;
// Flags Linux lets a caller OR into the type; wasinet_v0 sockets are
// non-blocking and the guest cannot exec, so both are accepted and moot.
constexpr uint32_t kSockNonblock = 0x800, kSockCloexec = 0x80000;
constexpr uint32_t kMsgPeek = 0x2, kMsgTrunc = 0x20, kMsgDontwait = 0x40, kMsgWaitall = 0x100,
                   kMsgNosignal = 0x4000;

// Every wasinet_v0 socket is NONBLOCK (fd_fdstat_get reports it): the
// existing guests retry EAGAIN and wait through poll_oneoff.
constexpr uint16_t kSocketFdflags = wasi::fdflags::nonblock;

std::optional<net::Family> family_of_host(uint32_t af) {
  switch (af) {
    case kHostAfUnix: return net::Family::unix_;
    case kHostAfInet: return net::Family::inet;
    case kHostAfInet6: return net::Family::inet6;
    default: return std::nullopt;
  }
}

// The guest's whole (pointer, length) range must be in its memory; of it,
// only a RawSocketAddress's worth is read or written.
Result<std::span<uint8_t>> address_range(Call& c, uint32_t ptr, uint32_t len) {
  WASINET_TRY(std::span<uint8_t> all, c.memory.bytes(ptr, len));
  return all.first(std::min<size_t>(all.size(), kRawSocketAddressSize));
}

Result<net::Address> read_address(Call& c, uint32_t ptr, uint32_t len) {
  WASINET_TRY(std::span<uint8_t> raw, address_range(c, ptr, len));
  return decode_socket_address(raw);
}

// compat: the Go guest library's iovec is a Go struct {unsafe.Pointer,
// uint32}, and Go's wasm port has 8-byte pointers: each entry is 16 bytes,
// {u64 buf, u32 len, 4 bytes of padding}, not preview1's 8. A buf beyond
// 32 bits cannot be in the memory: EFAULT. More than 1024 entries: EINVAL.
Result<std::vector<std::span<uint8_t>>> v0_iovecs(Call& c, uint32_t ptr, uint32_t count) {
  constexpr uint32_t kIovMax = 1024, kEntrySize = 16;
  if (count > kIovMax) return Errno::inval;
  WASINET_CHECK(c.memory.check_range(ptr, uint64_t{count} * kEntrySize));
  std::vector<std::span<uint8_t>> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t entry = ptr + i * kEntrySize;
    WASINET_TRY(uint64_t buf, c.memory.load<uint64_t>(entry));
    WASINET_TRY(uint32_t len, c.memory.load<uint32_t>(entry + 8));
    if (buf > UINT32_MAX) return Errno::fault;
    WASINET_TRY(std::span<uint8_t> bytes, c.memory.bytes(static_cast<uint32_t>(buf), len));
    out.push_back(bytes);
  }
  return out;
}

int32_t sock_determine_host_af_family(Call&, int32_t af) {
  switch (af) {
    case 1: return kHostAfUnix;
    case 2: return kHostAfInet;
    case 3: return kHostAfInet6;
    default: return 0;
  }
}

Errno sock_open(Call& c, uint32_t af, uint32_t socktype, uint32_t proto, uint32_t fd_out) {
  const std::optional<net::Family> family = family_of_host(af);
  if (!family) return Errno::afnosupport;
  const uint32_t type = socktype & ~(kSockNonblock | kSockCloexec);
  if (type != kSockStream && type != kSockDgram) return Errno::notsup;
  WASINET_CHECK(c.memory.check_range<uint32_t>(fd_out));
  WASINET_TRY(wasi::Fd fd, net::open_socket(c.ctx, *family, static_cast<net::SocketType>(type),
                                            static_cast<int32_t>(proto), kSocketFdflags));
  return c.memory.store<uint32_t>(fd_out, fd);
}

Errno sock_bind(Call& c, uint32_t fd, uint32_t addr, uint32_t addrlen) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  WASINET_TRY(net::Address a, read_address(c, addr, addrlen));
  return net::bind(c.ctx, s, a);
}

Errno sock_connect(Call& c, uint32_t fd, uint32_t addr, uint32_t addrlen) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  WASINET_TRY(net::Address a, read_address(c, addr, addrlen));
  return net::connect(c.ctx, s, a);
}

Errno sock_listen(Call& c, uint32_t fd, int32_t backlog) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  return net::listen(c.ctx, s, backlog);
}

Errno sock_accept(Call& c, uint32_t fd, uint32_t nfd_out, uint32_t addr, uint32_t addrlen) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  WASINET_CHECK(c.memory.check_range<uint32_t>(nfd_out));
  WASINET_TRY(std::span<uint8_t> peer_out, address_range(c, addr, addrlen));
  WASINET_TRY(net::AcceptedFd accepted, net::retry_guarded(c.ctx, s.socket, [&] {
                return net::accept(c.ctx, s, kSocketFdflags);
              }));
  encode_socket_address(accepted.peer, peer_out);
  return c.memory.store<uint32_t>(nfd_out, accepted.fd);
}

Errno sock_getsockopt(Call& c, uint32_t fd, uint32_t level, uint32_t name, uint32_t val,
                      uint32_t vallen) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  WASINET_TRY(OptionTarget target, socket_option(level, name));
  WASINET_TRY(std::span<uint8_t> out, c.memory.bytes(val, vallen));
  switch (target.kind) {
    case OptionTarget::Kind::integer: {
      if (out.size() < 4) return Errno::inval;
      WASINET_TRY(int value, net::get_option(c.ctx, s, target.option));
      return c.memory.store<int32_t>(val, value);
    }
    case OptionTarget::Kind::pending_error: {
      if (out.size() < 4) return Errno::inval;
      WASINET_TRY(net::PendingError pending, net::take_error(c.ctx, s));
      WASINET_CHECK(c.memory.store<uint32_t>(val, static_cast<uint16_t>(pending.error)));
      // compat: existing guests look only at the errno of this call to
      // learn that a non-blocking connect failed.
      return pending.error;
    }
    case OptionTarget::Kind::timeout: {
      if (out.size() < kTimevalSize) return Errno::inval;
      WASINET_TRY(auto left, net::get_timeout(c.ctx, s, target.direction));
      encode_timeval(left, out.first<kTimevalSize>());
      return Errno::success;
    }
  }
  return Errno::noprotoopt;
}

Errno sock_setsockopt(Call& c, uint32_t fd, uint32_t level, uint32_t name, uint32_t val,
                      uint32_t vallen) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  WASINET_TRY(OptionTarget target, socket_option(level, name));
  WASINET_TRY(std::span<uint8_t> in, c.memory.bytes(val, vallen));
  switch (target.kind) {
    case OptionTarget::Kind::integer: {
      if (in.size() < 4) return Errno::inval;
      int32_t value;
      std::memcpy(&value, in.data(), 4);
      return net::set_option(c.ctx, s, target.option, value);
    }
    case OptionTarget::Kind::pending_error:
      return Errno::noprotoopt;  // read-only, as on Linux
    case OptionTarget::Kind::timeout: {
      if (in.size() < kTimevalSize) return Errno::inval;
      WASINET_TRY(auto timeout, decode_timeval(in.first<kTimevalSize>()));
      return net::set_timeout(c.ctx, s, target.direction, timeout);
    }
  }
  return Errno::noprotoopt;
}

// sock_getlocaladdr and sock_getpeeraddr: one of the socket's addresses,
// as the core reports it (`which`).
template <wasi::Result<net::Address> (*which)(wasi::Context&, const net::SocketFd&)>
Errno sock_address(Call& c, uint32_t fd, uint32_t addr, uint32_t addrlen) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  WASINET_TRY(std::span<uint8_t> out, address_range(c, addr, addrlen));
  WASINET_TRY(net::Address a, which(c.ctx, s));
  encode_socket_address(a, out);
  return Errno::success;
}

Errno sock_recv_from(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovslen, uint32_t oob,
                     uint32_t ooblen, uint32_t addr, uint32_t addrlen, uint32_t iflags,
                     uint32_t nread_out, uint32_t oflags_out) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  if (iflags & ~(kMsgPeek | kMsgWaitall | kMsgDontwait)) return Errno::inval;
  WASINET_TRY(auto bufs, v0_iovecs(c, iovs, iovslen));
  // No control messages are ever returned, but the range must be sound.
  WASINET_CHECK(c.memory.check_range(oob, ooblen));
  WASINET_TRY(std::span<uint8_t> from_out, address_range(c, addr, addrlen));
  WASINET_CHECK(c.memory.check_range<uint32_t>(nread_out));
  WASINET_CHECK(c.memory.check_range<uint32_t>(oflags_out));
  net::RecvOptions options;
  options.peek = iflags & kMsgPeek;
  options.waitall = iflags & kMsgWaitall;
  options.want_from = !from_out.empty();
  // MSG_DONTWAIT: every wasinet_v0 socket is non-blocking already; on a fd
  // the guest made blocking the call follows the fd (the core has no
  // per-call override for receives yet).
  WASINET_TRY(net::ReceivedFrom r,
              net::retry_guarded(c.ctx, s.socket, [&] { return net::recv(c.ctx, s, bufs, options); }));
  if (r.from) encode_socket_address(*r.from, from_out);
  WASINET_CHECK(c.memory.store<uint32_t>(nread_out, static_cast<uint32_t>(r.bytes)));
  return c.memory.store<uint32_t>(oflags_out, r.truncated ? kMsgTrunc : 0);
}

Errno sock_send_to(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovslen, uint32_t oob,
                   uint32_t ooblen, uint32_t addr, uint32_t addrlen, uint32_t flags,
                   uint32_t nwritten_out) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  if (flags & ~(kMsgDontwait | kMsgNosignal)) return Errno::inval;
  WASINET_TRY(auto bufs, v0_iovecs(c, iovs, iovslen));
  WASINET_CHECK(c.memory.check_range(oob, ooblen));  // control data is ignored
  WASINET_CHECK(c.memory.check_range<uint32_t>(nwritten_out));
  const bool dontwait = flags & kMsgDontwait;
  size_t sent = 0;
  if (s.socket->type() == net::SocketType::stream) {
    // compat: stream guests pass their peer's address on every write (an
    // accepted unix peer's may even be empty): it is not read at all. And
    // they neither retry EAGAIN nor loop on short writes, so the whole
    // buffer goes out unless the guest asked for MSG_DONTWAIT.
    WASINET_TRY(sent, net::send(c.ctx, s, bufs, nullptr,
                                dontwait ? net::SendWait::nonblocking : net::SendWait::all));
  } else {
    std::optional<net::Address> to;
    if (addrlen > 0) {
      WASINET_TRY(to, read_address(c, addr, addrlen));
    }
    std::optional<net::SendWait> wait;
    if (dontwait) wait = net::SendWait::nonblocking;
    WASINET_TRY(sent, net::send(c.ctx, s, bufs, to ? &*to : nullptr, wait));
  }
  return c.memory.store<uint32_t>(nwritten_out, static_cast<uint32_t>(sent));
}

Errno sock_shutdown(Call& c, uint32_t fd, uint32_t how) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd));
  constexpr uint32_t kRead = 1, kWrite = 2;
  if (how == 0 || (how & ~(kRead | kWrite))) return Errno::inval;
  return net::shutdown(c.ctx, s, how & kRead, how & kWrite);
}

Errno sock_getaddrip(Call& c, uint32_t network, uint32_t networklen, uint32_t host,
                     uint32_t hostlen, uint32_t out, uint32_t outmax, uint32_t outlen_out) {
  WASINET_TRY(std::string_view net_name, c.memory.string(network, networklen));
  WASINET_TRY(std::string_view host_name, c.memory.string(host, hostlen));
  WASINET_TRY(std::span<uint8_t> dest, c.memory.bytes(out, outmax));
  WASINET_CHECK(c.memory.check_range<uint32_t>(outlen_out));
  WASINET_TRY(std::vector<net::Address> addresses, net::resolve_host(c.ctx, net_name, host_name));
  constexpr size_t kIpSize = 16;
  size_t used = 0;
  for (const net::Address& a : addresses) {
    if (used + kIpSize > dest.size()) break;
    if (a.family == net::Family::unix_) continue;
    // IPv4 as ::ffff:a.b.c.d, which Go's net.IP reads back as the IPv4 address.
    std::memcpy(dest.data() + used, a.v4_mapped().ip.data(), kIpSize);
    used += kIpSize;
  }
  return c.memory.store<uint32_t>(outlen_out, static_cast<uint32_t>(used));
}

Errno sock_getaddrport(Call& c, uint32_t network, uint32_t networklen, uint32_t service,
                       uint32_t servicelen, uint32_t port_out) {
  WASINET_TRY(std::string_view net_name, c.memory.string(network, networklen));
  WASINET_TRY(std::string_view service_name, c.memory.string(service, servicelen));
  WASINET_CHECK(c.memory.check_range<uint32_t>(port_out));
  WASINET_TRY(uint16_t port, net::resolve_port(c.ctx, net_name, service_name));
  return c.memory.store<uint32_t>(port_out, port);
}

}  // namespace

void add_wasinet_v0(HostFunctions& out) {
  out.push_back(bind<&sock_open>(kWasinetV0, "sock_open"));
  out.push_back(bind<&sock_bind>(kWasinetV0, "sock_bind"));
  out.push_back(bind<&sock_connect>(kWasinetV0, "sock_connect"));
  out.push_back(bind<&sock_listen>(kWasinetV0, "sock_listen"));
  out.push_back(bind<&sock_accept>(kWasinetV0, "sock_accept"));
  out.push_back(bind<&sock_getsockopt>(kWasinetV0, "sock_getsockopt"));
  out.push_back(bind<&sock_setsockopt>(kWasinetV0, "sock_setsockopt"));
  out.push_back(bind<&sock_address<&net::local_address>>(kWasinetV0, "sock_getlocaladdr"));
  out.push_back(bind<&sock_address<&net::peer_address>>(kWasinetV0, "sock_getpeeraddr"));
  out.push_back(bind<&sock_recv_from>(kWasinetV0, "sock_recv_from"));
  out.push_back(bind<&sock_send_to>(kWasinetV0, "sock_send_to"));
  out.push_back(bind<&sock_shutdown>(kWasinetV0, "sock_shutdown"));
  out.push_back(bind<&sock_getaddrip>(kWasinetV0, "sock_getaddrip"));
  out.push_back(bind<&sock_getaddrport>(kWasinetV0, "sock_getaddrport"));
  out.push_back(bind<&sock_determine_host_af_family>(kWasinetV0, "sock_determine_host_af_family"));
}

}  // namespace wasinet::abi
