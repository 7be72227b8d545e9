#pragma once
// The networking core's entry points: every socket ABI (wasinet_v0,
// preview1 sock_*, later others) decodes its arguments and calls these.
//
// An adapter looks the guest fd up once (socket_of: EBADF for an unknown
// fd, ENOTSOCK for a file, ENOTCAPABLE for a right it names), checks the
// rest of its arguments, and hands the SocketFd to one of these calls. Each
// checks the right it needs from the SocketFd (ENOTCAPABLE), asks the
// context's Network (net/network.hh) when the call reaches outside, maps
// unix guest paths through the preopened directories (unix_path.hh), and
// drives the Socket. Whether a call blocks follows the fd's guest-visible
// NONBLOCK flag; blocking waits also end when the context's WakeEvent
// fires (EINTR).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "net/address.hh"
#include "net/socket.hh"
#include "wasi/context.hh"

namespace wasinet::net {

// A guest fd that holds a socket, as one lookup in the fd table found it.
// Valid for the host call that made it (the guest cannot change the fd
// table while one of its calls runs); the socket stays alive even if the fd
// is closed meanwhile.
struct SocketFd {
  wasi::Fd fd = 0;
  std::shared_ptr<Socket> socket;
  wasi::Rights rights = 0;   // the entry's rights_base
  bool nonblocking = false;  // the fd's guest-visible NONBLOCK flag
};

// The socket behind a guest fd: EBADF, ENOTSOCK, or ENOTCAPABLE when the
// entry lacks `required`.
wasi::Result<SocketFd> socket_of(wasi::Context& ctx, wasi::Fd fd, wasi::Rights required = 0);

// A new socket in the fd table with guest-visible flags `fdflags`
// (wasinet_v0 hands out NONBLOCK sockets). protocol: 0, or IPPROTO_TCP for
// streams / IPPROTO_UDP for datagrams of the IP families; anything else is
// EPROTONOSUPPORT.
wasi::Result<wasi::Fd> open_socket(wasi::Context& ctx, Family family, SocketType type, int protocol,
                                   uint16_t fdflags);

// Puts a socket the host opened (a preopened listener, Socket::adopt) into
// the fd table with socket rights and guest-visible flags `fdflags`. EMFILE
// when the table is full.
wasi::Result<wasi::Fd> insert_socket(wasi::Context& ctx, std::shared_ptr<Socket> socket,
                                     uint16_t fdflags);

// EAFNOSUPPORT when the address's family is not the socket's (an IPv4
// address on an inet6 socket is accepted as ::ffff:a.b.c.d).
wasi::Status bind(wasi::Context& ctx, const SocketFd& s, const Address& address);
wasi::Status connect(wasi::Context& ctx, const SocketFd& s, const Address& address);
wasi::Status listen(wasi::Context& ctx, const SocketFd& s, int backlog);

struct AcceptedFd {
  wasi::Fd fd = 0;
  Address peer;  // unix: the guest path of a peer this guest bound, else empty
};
// Needs rights::sock_accept. The new fd gets rights for a socket and
// guest-visible flags `fdflags`.
// A peer the Network refuses is closed and skipped (the call goes on to the
// next one, or EAGAIN): an error here would end most servers' accept loop.
wasi::Result<AcceptedFd> accept(wasi::Context& ctx, const SocketFd& s, uint16_t fdflags);

struct ReceivedFrom {
  size_t bytes = 0;
  bool truncated = false;
  // Set for datagram sockets (IP: when the kernel names a source). Unix: the
  // guest path of a sender this guest bound, else the connected peer's
  // guest path, else empty (unnamed, or a name we cannot map back).
  std::optional<Address> from;
};
// Needs rights::fd_read.
wasi::Result<ReceivedFrom> recv(wasi::Context& ctx, const SocketFd& s, wasi::IoVecs iovs,
                                const RecvOptions& options);

// Needs rights::fd_write. `to` is used by datagram sockets (and checked by the Network); connected
// stream sockets ignore it. `wait` overrides the fd's mode when set; by
// default a blocking fd sends everything (SendWait::all, as write(2) on a
// blocking stream socket), a NONBLOCK one makes one attempt.
wasi::Result<size_t> send(wasi::Context& ctx, const SocketFd& s, wasi::IoVecs iovs,
                          const Address* to, std::optional<SendWait> wait = std::nullopt);

// Needs rights::sock_shutdown.
wasi::Status shutdown(wasi::Context& ctx, const SocketFd& s, bool read, bool write);
wasi::Result<Address> local_address(wasi::Context& ctx, const SocketFd& s);
wasi::Result<Address> peer_address(wasi::Context& ctx, const SocketFd& s);

wasi::Result<int> get_option(wasi::Context& ctx, const SocketFd& s, SocketOption option);
wasi::Status set_option(wasi::Context& ctx, const SocketFd& s, SocketOption option, int value);
// The pending error (SO_ERROR), cleared by reading. The call itself fails
// only for a bad fd (EBADF, ENOTSOCK).
wasi::Result<PendingError> take_error(wasi::Context& ctx, const SocketFd& s);

// wasinet_v0 deadlines: `timeout` from now; nullopt clears; zero or
// negative means already expired.
wasi::Status set_timeout(wasi::Context& ctx, const SocketFd& s, Direction d,
                         std::optional<Clock::duration> timeout);
// Time left before the deadline (zero once passed), nullopt when none.
wasi::Result<std::optional<Clock::duration>> get_timeout(wasi::Context& ctx, const SocketFd& s,
                                                         Direction d);

// Name resolution through the system resolver, after the Network allows
// it. `network` is "ip", "ip4" or "ip6" (else EINVAL). Errors: ENOENT no
// such host, EAGAIN temporary failure, EINVAL bad input.
wasi::Result<std::vector<Address>> resolve_host(wasi::Context& ctx, std::string_view network,
                                                std::string_view host);
// A service name or number for "tcp", "udp" (and their 4/6 forms):
// "http" → 80. ENOENT for an unknown service, EINVAL for a bad network.
wasi::Result<uint16_t> resolve_port(wasi::Context& ctx, std::string_view network,
                                    std::string_view service);

}  // namespace wasinet::net
