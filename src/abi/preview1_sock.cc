// sock_accept, sock_recv, sock_send, sock_shutdown: preview1's socket calls
// on the same fds as wasinet_v0's (net/socket_calls.hh does the work).
//
// As in wasinet_v0.cc, the fd is checked first (EBADF, ENOTSOCK, then
// ENOTCAPABLE for a missing right), then flags (EINVAL), then every guest
// range (EFAULT), and only then the core, so a bad out-pointer never loses
// a connection or received data. Whether a call blocks follows the fd's
// guest-visible NONBLOCK flag.
#include "abi/host_function.hh"
#include "abi/preview1.hh"
#include "net/retry_guard.hh"
#include "net/socket_calls.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;
namespace rights = wasi::rights;

// The new fd's mode comes from `flags`: 0 blocking, FDFLAGS_NONBLOCK not.
Errno sock_accept(Call& c, uint32_t fd, uint32_t flags, uint32_t ro_fd) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd, rights::sock_accept));
  if (flags & ~uint32_t{wasi::fdflags::nonblock}) return Errno::inval;
  WASINET_CHECK(c.memory.check_range<uint32_t>(ro_fd));
  WASINET_TRY(net::AcceptedFd accepted, net::retry_guarded(c.ctx, s.socket, [&] {
                return net::accept(c.ctx, s, static_cast<uint16_t>(flags));
              }));
  return c.memory.store<uint32_t>(ro_fd, accepted.fd);
}

Errno sock_recv(Call& c, uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags,
                uint32_t ro_datalen, uint32_t ro_flags) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd, rights::fd_read));
  WASINET_TRY(const net::RecvOptions options, recv_options(ri_flags));
  WASINET_TRY(auto bufs, c.memory.iovecs(ri_data, ri_data_len));
  WASINET_CHECK(c.memory.check_range<uint32_t>(ro_datalen));
  WASINET_CHECK(c.memory.check_range<uint16_t>(ro_flags));
  WASINET_TRY(net::ReceivedFrom r,
              net::retry_guarded(c.ctx, s.socket, [&] { return net::recv(c.ctx, s, bufs, options); }));
  WASINET_CHECK(c.memory.store<uint32_t>(ro_datalen, static_cast<uint32_t>(r.bytes)));
  const uint16_t out = r.truncated ? wasi::roflags::recv_data_truncated : 0;
  return c.memory.store<uint16_t>(ro_flags, out);
}

// preview1 defines no send flags: anything but 0 is EINVAL.
Errno sock_send(Call& c, uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags,
                uint32_t so_datalen) {
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd, rights::fd_write));
  if (si_flags != 0) return Errno::inval;
  WASINET_TRY(auto bufs, c.memory.iovecs(si_data, si_data_len));
  WASINET_CHECK(c.memory.check_range<uint32_t>(so_datalen));
  WASINET_TRY(size_t sent, net::send(c.ctx, s, bufs, nullptr));
  return c.memory.store<uint32_t>(so_datalen, static_cast<uint32_t>(sent));
}

Errno sock_shutdown(Call& c, uint32_t fd, uint32_t how) {
  namespace sd = wasi::sdflags;
  WASINET_TRY(const net::SocketFd s, net::socket_of(c.ctx, fd, rights::sock_shutdown));
  if (how == 0 || (how & ~uint32_t{sd::rd | sd::wr})) return Errno::inval;
  return net::shutdown(c.ctx, s, how & sd::rd, how & sd::wr);
}

}  // namespace

wasi::Result<net::RecvOptions> recv_options(uint32_t ri_flags) {
  namespace ri = wasi::riflags;
  if (ri_flags & ~uint32_t{ri::recv_peek | ri::recv_waitall}) return Errno::inval;
  net::RecvOptions options;
  options.peek = ri_flags & ri::recv_peek;
  options.waitall = ri_flags & ri::recv_waitall;
  return options;
}

void add_preview1_sock(HostFunctions& out) {
  out.push_back(bind<&sock_accept>(kPreview1, "sock_accept"));
  out.push_back(bind<&sock_recv>(kPreview1, "sock_recv"));
  out.push_back(bind<&sock_send>(kPreview1, "sock_send"));
  out.push_back(bind<&sock_shutdown>(kPreview1, "sock_shutdown"));
}

}  // namespace wasinet::abi
