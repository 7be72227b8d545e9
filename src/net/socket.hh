#pragma once
// A socket in the guest's fd table: a non-blocking host socket underneath.
//
// Whether a call blocks is the caller's choice (the guest-visible NONBLOCK
// flag of the fd, or the ABI's rule): the host descriptor itself is always
// O_NONBLOCK, and a blocking call waits in the kernel (ppoll) on the socket
// and on the guest's WakeEvent, so a stop request ends the wait with EINTR.
//
// This class knows host addresses only and makes no policy decisions:
// socket_calls.hh asks the Network and maps unix guest paths first.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "net/address.hh"
#include "net/host_address.hh"
#include "metrics/counters.hh"
#include "os/unique_fd.hh"
#include "os/wake_event.hh"
#include "wasi/file_object.hh"

namespace wasinet::net {

using Clock = std::chrono::steady_clock;

// The options a guest may read or set; anything else never reaches the
// kernel (the adapters answer ENOPROTOOPT).
enum class SocketOption : uint8_t {
  reuse_addr,    // SO_REUSEADDR, int
  broadcast,     // SO_BROADCAST, int
  send_buffer,   // SO_SNDBUF, int (bytes)
  recv_buffer,   // SO_RCVBUF, int (bytes)
  keepalive,     // SO_KEEPALIVE, int
  linger,        // SO_LINGER as one int: seconds, or -1 for off (Go's SetLinger)
  tcp_nodelay,   // IPPROTO_TCP TCP_NODELAY, int
  ipv6_only,     // IPPROTO_IPV6 IPV6_V6ONLY, int
};

enum class Direction : uint8_t { receive, send };

struct RecvOptions {
  bool peek = false;     // MSG_PEEK
  bool waitall = false;  // MSG_WAITALL: a blocking stream receive fills every buffer
  bool want_from = false;  // fill Received::from (datagram sources)
};

struct Received {
  size_t bytes = 0;
  bool truncated = false;  // a datagram was longer than the buffers
  std::optional<HostAddress> from;
};

// What SO_ERROR held: the error of an earlier asynchronous operation (a
// failed connect), success when none. (A struct, not a bare Errno: a
// Result<Errno> could not tell "the call failed" from "the value is an
// errno".)
struct PendingError {
  wasi::Errno error = wasi::Errno::success;
};

enum class SendWait : uint8_t {
  nonblocking,  // one attempt: a partial count or EAGAIN
  some,         // blocking: wait for room, then send what fits (write(2) on a blocking socket)
  all,          // wait until every byte is sent (wasinet_v0 stream writes)
};

class Socket final : public wasi::FileObject {
 public:
  // Opens a non-blocking, close-on-exec host socket. Errors: EAFNOSUPPORT,
  // EPROTONOSUPPORT, EMFILE/ENFILE, ENOBUFS, ...
  static wasi::Result<std::shared_ptr<Socket>> open(Family family, SocketType type, int protocol,
                                                    std::shared_ptr<const os::WakeEvent> wake);
  // Takes over a host socket (a preopened listener, an accepted connection):
  // makes it non-blocking and reads its family and type from the kernel.
  // ENOTSOCK when `fd` is not a socket, EAFNOSUPPORT for other families.
  static wasi::Result<std::shared_ptr<Socket>> adopt(os::UniqueFd fd,
                                                     std::shared_ptr<const os::WakeEvent> wake);

  Family family() const noexcept { return family_; }
  SocketType type() const noexcept { return type_; }

  // FileObject: fd_read/fd_write/poll_oneoff/fd_fdstat_get/fd_filestat_get.
  wasi::Filetype filetype() const override;
  int host_fd() const override { return fd_.get(); }
  wasi::Result<size_t> read(wasi::IoVecs iovs, bool nonblocking) override;
  wasi::Result<size_t> write(wasi::IoVecs iovs, bool nonblocking) override;
  wasi::Result<wasi::Filestat> filestat() override;
  wasi::Status set_host_flags(uint16_t fdflags) override;
  bool read_paused() const override { return accepting_stopped(); }
  bool exclusive_wait() const override { return shared_listener_; }

  wasi::Status bind(const HostAddress& address);
  // SO_REUSEPORT, before bind: several guests (instances) may then bind the
  // same address, and the kernel spreads connections or datagrams over them.
  wasi::Status set_reuse_port();
  // Non-blocking: EINPROGRESS while a stream connect is under way (its
  // outcome shows as writability, then take_error()). Blocking: waits for
  // the outcome and returns it, bounded by the send deadline (ETIMEDOUT)
  // as Linux bounds it by SO_SNDTIMEO. A unix connect to a full backlog is
  // EAGAIN in both modes: poll cannot say when the backlog has room.
  wasi::Status connect(const HostAddress& address, bool nonblocking);
  wasi::Status listen(int backlog);

  struct Accepted {
    std::shared_ptr<Socket> socket;  // non-blocking underneath, like every socket
    HostAddress peer;
  };
  // EAGAIN when nothing is pending and `nonblocking`. The receive deadline
  // applies, as SO_RCVTIMEO does to accept on Linux.
  wasi::Result<Accepted> accept(bool nonblocking);

  // Scatter receive. EAGAIN when nothing is there and `nonblocking`; 0 bytes
  // = end of stream. When the receive deadline has passed: ETIMEDOUT
  // instead of EAGAIN (and a blocking receive gives up at the deadline);
  // data already there is still delivered. WAITALL applies to blocking
  // stream receives only, and returns what arrived when it ends early
  // (EOF, deadline, wake event); PEEK|WAITALL is a plain peek.
  wasi::Result<Received> recv(wasi::IoVecs iovs, const RecvOptions& options, bool nonblocking);
  // Gather send, to `to` when given (datagrams; ignored by connected stream
  // sockets). Never raises SIGPIPE: a closed peer is EPIPE. The send
  // deadline bounds the waits of `some` and `all` (ETIMEDOUT; with `all`, a
  // partial count is returned if some bytes went out first).
  wasi::Result<size_t> send(wasi::IoVecs iovs, const HostAddress* to, SendWait wait);

  wasi::Status shutdown(bool read, bool write);
  wasi::Result<HostAddress> local_address() const;
  wasi::Result<HostAddress> peer_address() const;

  wasi::Result<int> get_option(SocketOption option) const;
  wasi::Status set_option(SocketOption option, int value);
  // SO_ERROR: the pending error (e.g. ECONNREFUSED after a failed connect)
  // as a WASI errno, cleared by reading; success when there is none.
  wasi::Result<PendingError> take_error();

  // Deadlines as wasinet_v0 guests set them (a duration from now, kept by
  // the host because the kernel's SO_RCVTIMEO means nothing to a
  // non-blocking socket): nullopt clears one.
  void set_deadline(Direction d, std::optional<Clock::time_point> when);
  std::optional<Clock::time_point> deadline(Direction d) const;

  // A listener the host opened for a service (`--listen`), whose kernel
  // socket other guests hold too: poll waits on it with EPOLLEXCLUSIVE, so
  // a new connection wakes one waiting guest, not all of them.
  void mark_shared_listener() noexcept { shared_listener_ = true; }
  bool shared_listener() const noexcept { return shared_listener_; }
  // Drain (docs/serving.md): from now on this guest accepts nothing on the
  // socket (EAGAIN; a blocking accept waits for the wake event) and poll
  // never reports it readable, while the kernel's queue stays for the
  // other guests on the same socket. Thread-safe.
  void stop_accepting() noexcept { accepting_stopped_.store(true, std::memory_order_relaxed); }
  bool accepting_stopped() const noexcept { return accepting_stopped_.load(std::memory_order_relaxed); }

  // What a drain needs to know of a connection, kept by the guest's own
  // calls: whether accept made it, and whether the guest owes a reply (it
  // received bytes and has sent none since).
  void mark_accepted() noexcept;
  // Idle for a drain: an accepted stream the guest owes nothing on (or
  // that has received nothing for a second since it was accepted), quiet
  // since the previous scan at least `quiet` ago, with nothing queued to
  // read or left unsent in the kernel. Each call is a scan: it remembers
  // what it saw.
  bool idle_for_drain(Clock::time_point now, Clock::duration quiet) noexcept;
  bool accepted() const noexcept { return accepted_; }

  // --metrics: count this socket's bytes, datagrams and (once it is a
  // connection, count_connection) its opening and closing into `counters`.
  void count_into(std::shared_ptr<metrics::GuestCounters> counters) noexcept { counters_ = std::move(counters); }
  void count_connection(bool accepted) noexcept;
  ~Socket() override;

  // The guest paths of a unix socket, which the kernel cannot tell us
  // (we bind and connect through /proc/self/fd/N/NAME).
  std::string guest_local_path;
  std::string guest_peer_path;
  // Keeps the kernel's name of a unix socket the guest bound mapped to its
  // guest path while the socket lives (unix_names.hh), so that peers see
  // the guest path as a datagram's source or an accepted peer.
  std::shared_ptr<void> bound_name;

 private:
  Socket(os::UniqueFd fd, Family family, SocketType type, std::shared_ptr<const os::WakeEvent> wake);

  os::UniqueFd fd_;
  Family family_;
  SocketType type_;
  std::shared_ptr<const os::WakeEvent> wake_;
  std::optional<Clock::time_point> recv_deadline_;
  std::optional<Clock::time_point> send_deadline_;
  // A connection error (ECONNRESET, EPIPE, ...) that ended a send after
  // part of it went out; the next send reports it (host errno, 0: none).
  int deferred_send_error_ = 0;
  bool shared_listener_ = false;
  std::atomic<bool> accepting_stopped_{false};
  // Drain bookkeeping (guest thread only): plain stores on the hot path.
  bool accepted_ = false;
  bool received_any_ = false;
  bool owes_reply_ = false;
  uint32_t activity_ = 0;       // bumped by every receive or send that moved bytes
  uint32_t scan_activity_ = 0;  // activity_ at the previous drain scan
  Clock::time_point accepted_at_{};
  Clock::time_point scan_at_{};
  std::shared_ptr<metrics::GuestCounters> counters_;  // null: not counted
  bool counted_connection_ = false;
};

}  // namespace wasinet::net
