#include "net/socket_calls.hh"

#include <netinet/in.h>

#include <string>
#include <utility>

#include "net/network.hh"
#include "net/resolver.hh"
#include "net/unix_names.hh"
#include "net/unix_path.hh"
#include "metrics/counters.hh"
#include "net/shared_binds.hh"

namespace wasinet::net {
namespace {

using wasi::Errno;
using wasi::Result;
using wasi::Status;
namespace rights = wasi::rights;
namespace fdflags = wasi::fdflags;

// ENOTCAPABLE unless the fd holds every right in `required`.
Status need(const SocketFd& s, wasi::Rights required) {
  return (s.rights & required) == required ? Errno::success : Errno::notcapable;
}

// Counts a decision for --metrics (metrics/counters.hh).
void count_decision(wasi::Context& ctx, Operation op, Status s) {
  if (!ctx.counters) return;
  const auto i = static_cast<size_t>(op);
  if (i < metrics::kOperations) metrics::add(ctx.counters->decisions[i][s == Errno::success ? 0 : 1]);
}

// Without a Network nothing reaches outside (wasi/context.hh).
Status ask(wasi::Context& ctx, const Request& request) {
  const Status s = ctx.network ? ctx.network->check(request) : Errno::acces;
  count_decision(ctx, request.op, s);
  return s;
}

// Whether the guest may look up `name` (a host or a service) for `network`.
Status ask_resolve(wasi::Context& ctx, std::string_view name, std::string_view network) {
  Request r;
  r.op = Operation::resolve;
  r.name = name;
  r.network = network;
  return ask(ctx, r);
}

// `host_path`: for unix addresses, where the guest path leads on the host
// (unix_host_path), which is what --allow-unix grants.
Request request_for(Operation op, const Socket& s, const Address* address,
                    std::string_view host_path = {}) {
  Request r;
  r.op = op;
  r.family = s.family();
  r.type = s.type();
  if (address) r.address = *address;
  r.host_path = host_path;
  return r;
}

// The address as this socket must use it: an IPv4 address on an inet6
// socket becomes ::ffff:a.b.c.d (what Go's dual-stack sockets pass);
// another family is EAFNOSUPPORT.
Result<Address> fit_to(const Socket& s, const Address& a) {
  if (a.family == s.family()) return a;
  if (s.family() == Family::inet6 && a.family == Family::inet) return a.v4_mapped();
  return Errno::afnosupport;
}

// Asks the Network about a bind, connect or send and returns the host
// address to use. IP addresses are judged as they are. Unix paths are
// resolved through the preopens first, since --allow-unix grants host
// paths; a path that cannot be resolved (no such socket yet) is judged by
// where it would be, so a refusal comes before ENOENT. `target` keeps the
// O_PATH descriptor the address names alive until the caller's call returns.
Result<HostAddress> ask_for_address(wasi::Context& ctx, Operation op, const Socket& s,
                                    const Address& a, UnixTarget& target) {
  if (a.family != Family::unix_) {
    WASINET_CHECK(ask(ctx, request_for(op, s, &a)));
    return to_host(a);
  }
  Result<UnixTarget> t = resolve_unix_path(ctx.fds, a.path, /*for_bind=*/op == Operation::bind);
  const std::string host_path = unix_host_path(ctx.fds, a.path, t);
  WASINET_CHECK(ask(ctx, request_for(op, s, &a, host_path)));
  if (!t.ok()) return t.error();
  target = std::move(t.value());
  return target.address;
}

// What the guest sees of a host address: IP addresses as they are; a unix
// name as the guest path it knows it by (unix_names.hh), else `fallback`
// (a guest path known otherwise, or empty: unnamed).
Result<Address> guest_address(wasi::Context& ctx, const HostAddress& h,
                              const std::string& fallback) {
  if (h.family() != AF_UNIX) return from_host(h);
  std::string path = guest_unix_path(ctx, h);
  return Address::unix_path(path.empty() ? fallback : std::move(path));
}

}  // namespace

Result<SocketFd> socket_of(wasi::Context& ctx, wasi::Fd fd, wasi::Rights required) {
  WASINET_TRY(auto found, ctx.fds.get_typed<Socket>(fd, required, Errno::notsock));
  return SocketFd{fd, std::move(found.object), found.entry->rights_base,
                  (found.entry->fdflags & fdflags::nonblock) != 0};
}

// `connection`: the socket counts against the connection cap (--max-conns).
static Result<wasi::Fd> insert_socket_entry(wasi::Context& ctx, std::shared_ptr<Socket> socket,
                                            uint16_t flags, bool connection) {
  wasi::FdEntry e;
  e.object = std::move(socket);
  e.rights_base = rights::socket;
  e.rights_inheriting = 0;
  // Only NONBLOCK means anything on a socket (Socket::set_host_flags).
  e.fdflags = flags & fdflags::nonblock;
  e.connection = connection;
  if (ctx.counters) std::static_pointer_cast<Socket>(e.object)->count_into(ctx.counters);
  return ctx.fds.insert(std::move(e));
}

Result<wasi::Fd> insert_socket(wasi::Context& ctx, std::shared_ptr<Socket> socket,
                               uint16_t flags) {
  return insert_socket_entry(ctx, std::move(socket), flags, false);
}

// A socket the guest made (sock_open, accept) counts against the
// connection cap until it listens; a host-made one does not.
static Result<wasi::Fd> insert_guest_socket(wasi::Context& ctx, std::shared_ptr<Socket> socket,
                                            uint16_t flags) {
  return insert_socket_entry(ctx, std::move(socket), flags, true);
}

Result<wasi::Fd> open_socket(wasi::Context& ctx, Family family, SocketType type, int protocol,
                             uint16_t flags) {
  // Only the protocol a family and type imply: no raw IP, no SCTP.
  const int implied = type == SocketType::stream ? IPPROTO_TCP : IPPROTO_UDP;
  if (protocol != 0 && (family == Family::unix_ || protocol != implied))
    return Errno::protonosupport;
  Request r;
  r.op = Operation::open;
  r.family = family;
  r.type = type;
  WASINET_CHECK(ask(ctx, r));
  WASINET_CHECK(ctx.fds.room_for(/*connection=*/true));
  WASINET_TRY(std::shared_ptr<Socket> socket, Socket::open(family, type, protocol, ctx.wake));
  return insert_guest_socket(ctx, std::move(socket), flags);
}

Status bind(wasi::Context& ctx, const SocketFd& s, const Address& address) {
  WASINET_TRY(Address a, fit_to(*s.socket, address));
  UnixTarget target;
  WASINET_TRY(HostAddress h, ask_for_address(ctx, Operation::bind, *s.socket, a, target));
  if (a.family != Family::unix_) {
    // Instances of one service bind the same ports (GuestOptions::reuse_port).
    if (ctx.reuse_port) WASINET_CHECK(s.socket->set_reuse_port());
    return s.socket->bind(h);
  }
  WASINET_CHECK(bind_unix(ctx, *s.socket, target, a.path));
  s.socket->guest_local_path = a.path;
  return Errno::success;
}

Status connect(wasi::Context& ctx, const SocketFd& s, const Address& address) {
  WASINET_TRY(Address a, fit_to(*s.socket, address));
  UnixTarget target;
  WASINET_TRY(HostAddress h, ask_for_address(ctx, Operation::connect, *s.socket, a, target));
  const Status result = s.socket->connect(h, s.nonblocking);
  if (result == Errno::success || result == Errno::inprogress) {
    if (a.family == Family::unix_) s.socket->guest_peer_path = a.path;
    s.socket->count_connection(/*accepted=*/false);
  }
  return result;
}

// A service's guest listens on `address`: on the one socket of the service
// there (shared_binds.hh). The guest's own socket, bound but never
// listening, is replaced in its fd by a duplicate of the shared one.
Status listen_shared(wasi::Context& ctx, const SocketFd& s, int backlog, const std::string& address) {
  std::shared_ptr<Socket> listener = s.socket;
  int error = 0;
  std::optional<os::UniqueFd> shared = ctx.shared_binds->listen_or_share(address, s.socket->host_fd(), backlog, error);
  if (error != 0) return wasi::errno_from_host(error);
  if (shared) {
    WASINET_TRY(listener, Socket::adopt(std::move(*shared), ctx.wake));
    WASINET_TRY(wasi::FdEntry * entry, ctx.fds.get(s.fd));
    if (ctx.counters) listener->count_into(ctx.counters);
    entry->object = listener;
  }
  listener->mark_shared_listener();
  ctx.fds.stop_counting_connection(s.fd);  // a listener is no connection
  return Errno::success;
}

Status listen(wasi::Context& ctx, const SocketFd& s, int backlog) {
  // Judged by where the socket is bound: IP by its local address (an
  // unbound one is 0.0.0.0:0, and listen binds it to every interface);
  // unix by the host path of its file, found again from the guest path.
  std::optional<Address> local;
  std::string host_path;
  if (s.socket->family() != Family::unix_) {
    WASINET_TRY(HostAddress h, s.socket->local_address());
    WASINET_TRY(local, from_host(h));
  } else if (!s.socket->guest_local_path.empty()) {
    local = Address::unix_path(s.socket->guest_local_path);
    Result<UnixTarget> t = resolve_unix_path(ctx.fds, local->path, /*for_bind=*/false);
    host_path = unix_host_path(ctx.fds, local->path, t);
  }
  WASINET_CHECK(
      ask(ctx, request_for(Operation::listen, *s.socket, local ? &*local : nullptr, host_path)));
  if (ctx.shared_binds && local && local->port != 0 && s.socket->type() == SocketType::stream &&
      s.socket->family() != Family::unix_)
    return listen_shared(ctx, s, backlog, local->to_string());
  WASINET_CHECK(s.socket->listen(backlog));
  ctx.fds.stop_counting_connection(s.fd);  // a listener is no connection
  return Errno::success;
}

Result<AcceptedFd> accept(wasi::Context& ctx, const SocketFd& s, uint16_t flags) {
  WASINET_CHECK(need(s, rights::sock_accept));
  // A draining guest leaves a shared socket's queue to the guests that
  // still accept (docs/serving.md).
  if (s.socket->shared_listener() && ctx.draining.load(std::memory_order_relaxed)) s.socket->stop_accepting();
  if (!ctx.network) return Errno::acces;
  for (;;) {
    // EMFILE before taking a connection off the queue: it waits there,
    // not dropped, until the guest closes something.
    WASINET_CHECK(ctx.fds.room_for(/*connection=*/true));
    WASINET_TRY(Socket::Accepted accepted, s.socket->accept(s.nonblocking));
    WASINET_TRY(Address peer, guest_address(ctx, accepted.peer, {}));
    // A peer the Network refuses is dropped (closed) as a firewall would,
    // and the guest waits for the next one: an accept error would end the
    // accept loop of most servers (Go's http.Serve).
    if (ask(ctx, request_for(Operation::accept, *s.socket, &peer)) != Errno::success)
      continue;
    accepted.socket->guest_local_path = s.socket->guest_local_path;
    accepted.socket->mark_accepted();
    if (ctx.counters) {
      accepted.socket->count_into(ctx.counters);
      accepted.socket->count_connection(/*accepted=*/true);
    }
    WASINET_TRY(wasi::Fd nfd, insert_guest_socket(ctx, std::move(accepted.socket), flags));
    return AcceptedFd{nfd, std::move(peer)};
  }
}

Result<ReceivedFrom> recv(wasi::Context& ctx, const SocketFd& s, wasi::IoVecs iovs,
                          const RecvOptions& options) {
  WASINET_CHECK(need(s, rights::fd_read));
  RecvOptions o = options;
  if (s.socket->type() == SocketType::datagram) o.want_from = true;
  WASINET_TRY(Received r, s.socket->recv(iovs, o, s.nonblocking));
  ReceivedFrom out;
  out.bytes = r.bytes;
  out.truncated = r.truncated;
  if (r.from) {
    // A sender this guest did not bind may still be the connected peer.
    WASINET_TRY(out.from, guest_address(ctx, *r.from, s.socket->guest_peer_path));
  } else if (s.socket->type() == SocketType::datagram && s.socket->family() == Family::unix_) {
    // Linux gives no address at all for an unnamed unix sender.
    out.from = Address::unix_path(s.socket->guest_peer_path);
  }
  return out;
}

Result<size_t> send(wasi::Context& ctx, const SocketFd& s, wasi::IoVecs iovs,
                    const Address* to, std::optional<SendWait> wait) {
  WASINET_CHECK(need(s, rights::fd_write));
  const SendWait mode = wait ? *wait : s.nonblocking ? SendWait::nonblocking : SendWait::all;
  if (to == nullptr || s.socket->type() != SocketType::datagram)
    return s.socket->send(iovs, nullptr, mode);
  WASINET_TRY(Address a, fit_to(*s.socket, *to));
  UnixTarget target;
  WASINET_TRY(HostAddress h, ask_for_address(ctx, Operation::send, *s.socket, a, target));
  return s.socket->send(iovs, &h, mode);
}

Status shutdown(wasi::Context& /*ctx*/, const SocketFd& s, bool read, bool write) {
  WASINET_CHECK(need(s, rights::sock_shutdown));
  return s.socket->shutdown(read, write);
}

Result<Address> local_address(wasi::Context& ctx, const SocketFd& s) {
  WASINET_TRY(HostAddress h, s.socket->local_address());
  // A unix socket the guest bound has the name it bound; one the operator
  // bound (--listen unix://PATH) is named through the preopens, as a peer's
  // host name is (unnamed when no preopen shows it).
  if (h.family() == AF_UNIX && !s.socket->guest_local_path.empty())
    return Address::unix_path(s.socket->guest_local_path);
  return guest_address(ctx, h, {});
}

Result<Address> peer_address(wasi::Context& ctx, const SocketFd& s) {
  // ENOTCONN until connected, for unix sockets too: wasinet_v0 guests poll
  // this to learn that a connect finished.
  WASINET_TRY(HostAddress h, s.socket->peer_address());
  if (h.family() == AF_UNIX && !s.socket->guest_peer_path.empty())
    return Address::unix_path(s.socket->guest_peer_path);
  return guest_address(ctx, h, {});
}

Result<int> get_option(wasi::Context& /*ctx*/, const SocketFd& s, SocketOption option) {
  return s.socket->get_option(option);
}

Status set_option(wasi::Context& /*ctx*/, const SocketFd& s, SocketOption option, int value) {
  return s.socket->set_option(option, value);
}

Result<PendingError> take_error(wasi::Context& /*ctx*/, const SocketFd& s) {
  return s.socket->take_error();
}

Status set_timeout(wasi::Context& /*ctx*/, const SocketFd& s, Direction d,
                   std::optional<Clock::duration> timeout) {
  if (!timeout) {
    s.socket->set_deadline(d, std::nullopt);
    return Errno::success;
  }
  const Clock::time_point now = Clock::now();
  Clock::time_point when = now;  // zero or negative: expired from now on
  if (*timeout > Clock::duration::zero())
    when = *timeout >= Clock::time_point::max() - now ? Clock::time_point::max() : now + *timeout;
  s.socket->set_deadline(d, when);
  return Errno::success;
}

Result<std::optional<Clock::duration>> get_timeout(wasi::Context& /*ctx*/, const SocketFd& s,
                                                   Direction d) {
  const std::optional<Clock::time_point> when = s.socket->deadline(d);
  if (!when) return std::optional<Clock::duration>{};
  const Clock::duration left = *when - Clock::now();
  return std::optional<Clock::duration>{left > Clock::duration::zero() ? left
                                                                      : Clock::duration::zero()};
}

Result<std::vector<Address>> resolve_host(wasi::Context& ctx, std::string_view network,
                                          std::string_view host) {
  IpVersion version;
  if (network == "ip")
    version = IpVersion::any;
  else if (network == "ip4")
    version = IpVersion::v4;
  else if (network == "ip6")
    version = IpVersion::v6;
  else
    return Errno::inval;
  WASINET_CHECK(ask_resolve(ctx, host, network));
  Result<std::vector<Address>> addresses = resolve_host(host, version);
  if (ctx.counters) {
    metrics::add(ctx.counters->lookups);
    if (!addresses.ok()) metrics::add(ctx.counters->lookup_failures);
  }
  if (!addresses.ok()) return addresses.error();
  ctx.network->resolved(host, *addresses);
  return addresses;
}

Result<uint16_t> resolve_port(wasi::Context& ctx, std::string_view network,
                              std::string_view service) {
  std::string_view protocol;
  if (network == "tcp" || network == "tcp4" || network == "tcp6")
    protocol = "tcp";
  else if (network == "udp" || network == "udp4" || network == "udp6")
    protocol = "udp";
  else
    return Errno::inval;
  WASINET_CHECK(ask_resolve(ctx, service, network));
  return resolve_service(protocol, service);
}

}  // namespace wasinet::net
