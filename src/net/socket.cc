#include "net/socket.hh"

#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <utility>
#include <vector>

#include "net/blocking_wait.hh"
#include "os/io_linux.hh"
#include "wasi/host_iovecs.hh"
#include "wasi/host_stat.hh"

namespace wasinet::net {
namespace {

using wasi::Errno;
using wasi::HostIovecs;
using wasi::Result;
using wasi::Status;

int host_type(SocketType t) { return t == SocketType::stream ? SOCK_STREAM : SOCK_DGRAM; }

bool passed(const std::optional<Clock::time_point>& deadline) {
  return deadline && Clock::now() >= *deadline;
}

// What a call that would block answers in non-blocking mode: EAGAIN, or
// ETIMEDOUT once the deadline has passed. wasinet_v0 guests retry EAGAIN
// forever, so an expired deadline must say so.
Errno would_block(const std::optional<Clock::time_point>& deadline) {
  return passed(deadline) ? Errno::timedout : Errno::again;
}

struct OptionName {
  int level;
  int name;
};

}  // namespace

Socket::Socket(os::UniqueFd fd, Family family, SocketType type,
               std::shared_ptr<const os::WakeEvent> wake)
    : fd_(std::move(fd)), family_(family), type_(type), wake_(std::move(wake)) {}

Result<std::shared_ptr<Socket>> Socket::open(Family family, SocketType type, int protocol,
                                             std::shared_ptr<const os::WakeEvent> wake) {
  const int fd = ::socket(host_family(family), host_type(type) | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          protocol);
  if (fd < 0) return wasi::errno_from_host(errno);
  return std::shared_ptr<Socket>(new Socket(os::UniqueFd(fd), family, type, std::move(wake)));
}

Result<std::shared_ptr<Socket>> Socket::adopt(os::UniqueFd fd,
                                              std::shared_ptr<const os::WakeEvent> wake) {
  int domain = 0, type = 0;
  socklen_t len = sizeof domain;
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
    return wasi::errno_from_host(errno);
  len = sizeof type;
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_TYPE, &type, &len) != 0)
    return wasi::errno_from_host(errno);
  Family family;
  switch (domain) {
    case AF_INET: family = Family::inet; break;
    case AF_INET6: family = Family::inet6; break;
    case AF_UNIX: family = Family::unix_; break;
    default: return Errno::afnosupport;
  }
  SocketType socket_type;
  switch (type) {
    case SOCK_STREAM: socket_type = SocketType::stream; break;
    case SOCK_DGRAM: socket_type = SocketType::datagram; break;
    default: return Errno::protonosupport;
  }
  const int fl = ::fcntl(fd.get(), F_GETFL);
  if (fl < 0 || ::fcntl(fd.get(), F_SETFL, fl | O_NONBLOCK) != 0 ||
      ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC) != 0)
    return wasi::errno_from_host(errno);
  return std::shared_ptr<Socket>(new Socket(std::move(fd), family, socket_type, std::move(wake)));
}

wasi::Filetype Socket::filetype() const {
  return type_ == SocketType::stream ? wasi::Filetype::socket_stream
                                     : wasi::Filetype::socket_dgram;
}

Result<size_t> Socket::read(wasi::IoVecs iovs, bool nonblocking) {
  WASINET_TRY(Received r, recv(iovs, RecvOptions{}, nonblocking));
  return r.bytes;
}

// A blocking fd_write sends everything, as write(2) on a blocking Linux
// stream socket does (short only when interrupted or timed out).
Result<size_t> Socket::write(wasi::IoVecs iovs, bool nonblocking) {
  return send(iovs, nullptr, nonblocking ? SendWait::nonblocking : SendWait::all);
}

Result<wasi::Filestat> Socket::filestat() {
  WASINET_TRY(wasi::Filestat st, wasi::filestat_of_fd(fd_.get()));
  // fstat says S_IFSOCK for every socket: the kind is ours to tell.
  st.filetype = filetype();
  st.size = 0;
  return st;
}

// Append and the sync flags mean nothing on a socket; accepting them would
// make fd_fdstat_get report a mode that has no effect.
Status Socket::set_host_flags(uint16_t fdflags) {
  return (fdflags & ~wasi::fdflags::nonblock) ? Errno::notsup : Errno::success;
}

Status Socket::bind(const HostAddress& address) {
  return wasi::status_from_host(::bind(fd_.get(), address.get(), address.length));
}

Status Socket::set_reuse_port() {
  const int one = 1;
  return wasi::status_from_host(::setsockopt(fd_.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one));
}

Status Socket::connect(const HostAddress& address, bool nonblocking) {
  int rc;
  do rc = ::connect(fd_.get(), address.get(), address.length);
  while (rc != 0 && errno == EINTR);
  if (rc == 0) return Errno::success;
  // A unix connect to a full backlog says EAGAIN, and poll cannot tell when
  // the backlog has room: it stays EAGAIN in both modes (see RATIONALE).
  if (errno != EINPROGRESS || nonblocking) return wasi::errno_from_host(errno);
  // Linux bounds a blocking connect by the send timeout; so do we.
  WASINET_CHECK(wasi::errno_from_host(
      os::wait_ready(fd_.get(), POLLOUT, wake_ ? wake_->fd() : -1, send_deadline_)));
  WASINET_TRY(PendingError pending, take_error());
  return pending.error;
}

Status Socket::listen(int backlog) {
  return wasi::status_from_host(::listen(fd_.get(), backlog));
}

Result<Socket::Accepted> Socket::accept(bool nonblocking) {
  // Linux bounds a blocking accept by the receive timeout; so do we.
  BlockingWait waiter(fd_.get(), wake_ ? wake_->fd() : -1, recv_deadline_);
  for (;;) {
    // Draining: the queue is the other guests' (checked again after every
    // wait). A blocking accept waits for the stop that ends the drain.
    if (accepting_stopped()) {
      if (nonblocking) return Errno::again;
      return wasi::errno_from_host(os::wait_ready(-1, 0, wake_ ? wake_->fd() : -1, std::nullopt));
    }
    Accepted out;
    out.peer.length = sizeof out.peer.storage;
    const int fd = ::accept4(fd_.get(), out.peer.get(), &out.peer.length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      out.socket = std::shared_ptr<Socket>(new Socket(os::UniqueFd(fd), family_, type_, wake_));
      return out;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return wasi::errno_from_host(errno);
    if (nonblocking) return would_block(recv_deadline_);
    WASINET_CHECK(waiter.wait(POLLIN));
  }
}

Result<Received> Socket::recv(wasi::IoVecs iovs, const RecvOptions& options, bool nonblocking) {
  if (iovs.size() > IOV_MAX) return Errno::msgsize;
  HostIovecs bufs(iovs);
  // WAITALL is done here, not by the kernel: the host socket never blocks.
  // A peek cannot wait for more than is there (poll would say "readable"
  // at once, again and again), so PEEK|WAITALL is a plain peek.
  const bool fill = options.waitall && !options.peek && !nonblocking &&
                    type_ == SocketType::stream;
  const int flags = options.peek ? MSG_PEEK : 0;
  BlockingWait waiter(fd_.get(), wake_ ? wake_->fd() : -1, recv_deadline_);
  Received out;
  for (;;) {
    HostAddress from;
    msghdr m{};
    if (options.want_from) {
      m.msg_name = &from.storage;
      m.msg_namelen = sizeof from.storage;
    }
    m.msg_iov = bufs.data();
    m.msg_iovlen = bufs.count();
    const ssize_t n = ::recvmsg(fd_.get(), &m, flags);
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN && !nonblocking) {
        const Status s = waiter.wait(POLLIN);
        if (s == Errno::success) continue;
        // What arrived before a timeout or a stop request is the caller's.
        if (out.bytes > 0) return out;
        return s;
      }
      if (out.bytes > 0) return out;
      if (err == EAGAIN) return would_block(recv_deadline_);
      return wasi::errno_from_host(err);
    }
    waiter.progressed();
    if (n > 0) {
      received_any_ = owes_reply_ = true;
      ++activity_;
      if (counters_) {
        metrics::add(counters_->bytes_received, static_cast<uint64_t>(n));
        if (type_ == SocketType::datagram) metrics::add(counters_->datagrams_received);
      }
    }
    out.bytes += static_cast<size_t>(n);
    if (m.msg_flags & MSG_TRUNC) out.truncated = true;
    if (options.want_from && m.msg_namelen > 0) {
      from.length = m.msg_namelen;
      out.from = from;
    }
    if (!fill || n == 0 || out.bytes >= bufs.total()) return out;
    bufs.advance(static_cast<size_t>(n));
  }
}

Result<size_t> Socket::send(wasi::IoVecs iovs, const HostAddress* to, SendWait wait) {
  if (iovs.size() > IOV_MAX) return Errno::msgsize;
  HostIovecs bufs(iovs);
  const size_t total = bufs.total();
  // A connected stream ignores the address (compat: wasinet_v0 stream
  // guests pass their peer on every write).
  const bool addressed = to != nullptr && type_ == SocketType::datagram;
  // The error that ended the previous send after some of its bytes went:
  // the kernel cleared it when it reported it, so it is reported here, as
  // a blocking send(2) reports ECONNRESET on the call after a partial one.
  if (deferred_send_error_ != 0) return wasi::errno_from_host(std::exchange(deferred_send_error_, 0));
  BlockingWait waiter(fd_.get(), wake_ ? wake_->fd() : -1, send_deadline_);
  size_t sent = 0;
  for (;;) {
    msghdr m{};
    if (addressed) {
      m.msg_name = const_cast<sockaddr*>(to->get());
      m.msg_namelen = to->length;
    }
    m.msg_iov = bufs.data();
    m.msg_iovlen = bufs.count();
    const ssize_t n = ::sendmsg(fd_.get(), &m, MSG_NOSIGNAL);
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN && wait != SendWait::nonblocking) {
        const Status s = waiter.wait(POLLOUT);
        if (s == Errno::success) continue;
        // Bytes already sent are reported, as a blocking write(2) does.
        if (sent > 0) return sent;
        return s;
      }
      if (sent > 0) {
        if (err != EAGAIN) deferred_send_error_ = err;  // no room is no error
        return sent;
      }
      if (err == EAGAIN) return would_block(send_deadline_);
      return wasi::errno_from_host(err);
    }
    waiter.progressed();
    if (n > 0) {
      owes_reply_ = false;
      ++activity_;
      if (counters_) {
        metrics::add(counters_->bytes_sent, static_cast<uint64_t>(n));
        if (type_ == SocketType::datagram) metrics::add(counters_->datagrams_sent);
      }
    }
    sent += static_cast<size_t>(n);
    // A datagram goes whole or not at all.
    if (wait != SendWait::all || type_ == SocketType::datagram || sent >= total) return sent;
    bufs.advance(static_cast<size_t>(n));
  }
}

Status Socket::shutdown(bool read, bool write) {
  int how;
  if (read && write)
    how = SHUT_RDWR;
  else if (read)
    how = SHUT_RD;
  else if (write)
    how = SHUT_WR;
  else
    return Errno::inval;
  return wasi::status_from_host(::shutdown(fd_.get(), how));
}

Result<HostAddress> Socket::local_address() const {
  HostAddress h;
  h.length = sizeof h.storage;
  if (::getsockname(fd_.get(), h.get(), &h.length) != 0) return wasi::errno_from_host(errno);
  return h;
}

Result<HostAddress> Socket::peer_address() const {
  HostAddress h;
  h.length = sizeof h.storage;
  if (::getpeername(fd_.get(), h.get(), &h.length) != 0) return wasi::errno_from_host(errno);
  return h;
}

namespace {

// The kernel option behind each SocketOption, or ENOPROTOOPT where it does
// not apply to this kind of socket (never handed to the kernel to decide:
// its answers for such pairs vary by family).
Result<OptionName> option_name(SocketOption option, Family family, SocketType type) {
  switch (option) {
    case SocketOption::reuse_addr: return OptionName{SOL_SOCKET, SO_REUSEADDR};
    case SocketOption::broadcast: return OptionName{SOL_SOCKET, SO_BROADCAST};
    case SocketOption::send_buffer: return OptionName{SOL_SOCKET, SO_SNDBUF};
    case SocketOption::recv_buffer: return OptionName{SOL_SOCKET, SO_RCVBUF};
    case SocketOption::keepalive: return OptionName{SOL_SOCKET, SO_KEEPALIVE};
    case SocketOption::linger: return OptionName{SOL_SOCKET, SO_LINGER};
    case SocketOption::tcp_nodelay:
      if (family == Family::unix_ || type != SocketType::stream) return Errno::noprotoopt;
      return OptionName{IPPROTO_TCP, TCP_NODELAY};
    case SocketOption::ipv6_only:
      if (family != Family::inet6) return Errno::noprotoopt;
      return OptionName{IPPROTO_IPV6, IPV6_V6ONLY};
  }
  return Errno::noprotoopt;
}

}  // namespace

Result<int> Socket::get_option(SocketOption option) const {
  WASINET_TRY(OptionName o, option_name(option, family_, type_));
  if (option == SocketOption::linger) {
    struct linger l{};
    socklen_t len = sizeof l;
    if (::getsockopt(fd_.get(), o.level, o.name, &l, &len) != 0)
      return wasi::errno_from_host(errno);
    return l.l_onoff ? l.l_linger : -1;
  }
  int value = 0;
  socklen_t len = sizeof value;
  if (::getsockopt(fd_.get(), o.level, o.name, &value, &len) != 0)
    return wasi::errno_from_host(errno);
  return value;
}

Status Socket::set_option(SocketOption option, int value) {
  WASINET_TRY(OptionName o, option_name(option, family_, type_));
  if (option == SocketOption::linger) {
    struct linger l{};
    l.l_onoff = value >= 0 ? 1 : 0;
    l.l_linger = value >= 0 ? value : 0;
    return wasi::status_from_host(::setsockopt(fd_.get(), o.level, o.name, &l, sizeof l));
  }
  return wasi::status_from_host(::setsockopt(fd_.get(), o.level, o.name, &value, sizeof value));
}

Result<PendingError> Socket::take_error() {
  int error = 0;
  socklen_t len = sizeof error;
  if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &error, &len) != 0)
    return wasi::errno_from_host(errno);
  return PendingError{wasi::errno_from_host(error)};
}

void Socket::set_deadline(Direction d, std::optional<Clock::time_point> when) {
  (d == Direction::receive ? recv_deadline_ : send_deadline_) = when;
}

std::optional<Clock::time_point> Socket::deadline(Direction d) const {
  return d == Direction::receive ? recv_deadline_ : send_deadline_;
}


void Socket::count_connection(bool accepted) noexcept {
  if (!counters_ || counted_connection_ || type_ != SocketType::stream) return;
  counted_connection_ = true;
  metrics::add(accepted ? counters_->connections_accepted : counters_->connections_opened);
}

Socket::~Socket() {
  if (counted_connection_) metrics::add(counters_->connections_closed);
}

void Socket::mark_accepted() noexcept {
  accepted_ = true;
  accepted_at_ = scan_at_ = Clock::now();
}

bool Socket::idle_for_drain(Clock::time_point now, Clock::duration quiet) noexcept {
  const bool quiet_since_scan = activity_ == scan_activity_ && now - scan_at_ >= quiet;
  if (activity_ != scan_activity_) {
    scan_activity_ = activity_;
    scan_at_ = now;
  }
  if (!accepted_ || type_ != SocketType::stream || !quiet_since_scan) return false;
  if (owes_reply_) return false;
  if (!received_any_ && now - accepted_at_ < std::chrono::seconds(1)) return false;
  int queued = 0, unsent = 0;
  if (::ioctl(fd_.get(), SIOCINQ, &queued) != 0 || queued != 0) return false;
  if (::ioctl(fd_.get(), SIOCOUTQNSD, &unsent) != 0 || unsent != 0) return false;
  return true;
}

}  // namespace wasinet::net
