#include "net/preopened_listener.hh"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "net/host_address.hh"
#include "net/network.hh"
#include "net/socket.hh"
#include "net/socket_calls.hh"
#include "os/unique_fd.hh"
#include "wasinet/error.hh"

namespace wasinet {

// ListenSpec (include/wasinet/config.hh) is defined here, beside the code
// that opens what it describes.
ListenSpec ListenSpec::tcp(std::string ip, uint16_t port) {
  ListenSpec s;
  s.kind = Kind::tcp;
  s.ip = std::move(ip);
  s.port = port;
  return s;
}

ListenSpec ListenSpec::unix_socket(std::string host_path) {
  ListenSpec s;
  s.kind = Kind::unix_;
  s.path = std::move(host_path);
  return s;
}

std::string ListenSpec::url() const {
  if (kind == Kind::unix_) return "unix://" + path;
  const bool v6 = ip.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

namespace net {
namespace {

[[noreturn]] void fail(const ListenSpec& spec, const std::string& why) {
  throw Error("cannot listen on " + spec.url() + ": " + why);
}

[[noreturn]] void fail_errno(const ListenSpec& spec, const char* what, int err) {
  fail(spec, std::string(what) + ": " + std::strerror(err));
}

// The address a tcp listener binds, as the Network sees it.
Address tcp_address(const ListenSpec& spec) {
  if (spec.ip.find(':') != std::string::npos) {
    std::array<uint8_t, 16> bytes{};
    if (inet_pton(AF_INET6, spec.ip.c_str(), bytes.data()) != 1) fail(spec, "not an IPv6 address");
    return Address::ipv6(bytes, spec.port);
  }
  std::array<uint8_t, 4> bytes{};
  if (inet_pton(AF_INET, spec.ip.c_str(), bytes.data()) != 1) fail(spec, "not an IPv4 address");
  return Address::ipv4(bytes, spec.port);
}

os::UniqueFd bind_tcp(const ListenSpec& spec, const Address& address) {
  auto host = to_host(address);
  if (!host.ok()) fail(spec, "not an IP address");
  os::UniqueFd fd(::socket(host->family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) fail_errno(spec, "socket", errno);
  const int one = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
    fail_errno(spec, "SO_REUSEADDR", errno);
  if (::bind(fd.get(), host->get(), host->length) != 0) fail_errno(spec, "bind", errno);
  return fd;
}

// True when a process accepts connections on the unix socket at `path`.
// A unix connect never waits for the peer: it succeeds (or fails with
// EAGAIN when the backlog is full) if someone listens, ECONNREFUSED if not.
bool someone_listens(const ListenSpec& spec, const sockaddr_un& address) {
  os::UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!probe) fail_errno(spec, "socket", errno);
  if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0)
    return true;
  return errno != ECONNREFUSED;
}

os::UniqueFd bind_unix(const ListenSpec& spec) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (spec.path.empty() || spec.path.size() >= sizeof address.sun_path)
    fail(spec, "the path is empty or longer than a unix socket address allows");
  std::memcpy(address.sun_path, spec.path.data(), spec.path.size());

  struct stat st{};
  if (::lstat(spec.path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      fail(spec, "the path exists and is not a socket (refusing to replace it)");
    if (someone_listens(spec, address))
      fail(spec, "another process is listening on this socket");
    // A socket file nobody accepts on, left by a server that did not clean
    // up: removing it is what restarting that server would do.
    if (::unlink(spec.path.c_str()) != 0 && errno != ENOENT)
      fail_errno(spec, "cannot remove the stale socket file", errno);
  } else if (errno != ENOENT) {
    fail_errno(spec, "stat", errno);
  }

  os::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) fail_errno(spec, "socket", errno);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    fail_errno(spec, "bind", errno);
  return fd;
}

uint16_t bound_port(const ListenSpec& spec, int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0)
    fail_errno(spec, "getsockname", errno);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
}

}  // namespace

HostListener open_host_listener(const ListenSpec& spec, Network* network) {
  const bool unix_socket = spec.kind == ListenSpec::Kind::unix_;
  // Asked before anything touches the host. A unix listener is named by
  // its host path: the operator chose it, not the guest.
  const Address address = unix_socket ? Address::unix_path(spec.path) : tcp_address(spec);
  Request request;
  request.op = Operation::listen;
  request.family = address.family;
  request.type = SocketType::stream;
  request.address = address;
  // The operator's --listen is itself the grant (deny rules still apply).
  request.by_operator = true;
  if (unix_socket) request.host_path = spec.path;
  if (!network) fail(spec, "the guest has no network access");
  if (wasi::Status s = network->check(request); s != wasi::Errno::success)
    fail(spec, "refused by the network policy (" + wasi::errno_symbol(s) + ")");

  HostListener out;
  out.fd = unix_socket ? bind_unix(spec) : bind_tcp(spec, address);
  if (unix_socket) {
    struct stat st{};
    if (::lstat(spec.path.c_str(), &st) == 0) {
      out.socket_file = spec.path;
      out.dev = st.st_dev;
      out.ino = st.st_ino;
    }
  }
  // From here on a failure must not leave our socket file behind.
  struct RemoveOnFailure {
    HostListener* l;
    ~RemoveOnFailure() {
      if (l) remove_socket_file(*l);
    }
  } guard{&out};

  if (::listen(out.fd.get(), kPreopenedBacklog) != 0) fail_errno(spec, "listen", errno);

  ListenSpec bound = spec;
  if (!unix_socket) bound.port = bound_port(spec, out.fd.get());
  out.url = bound.url();
  out.port_chosen_by_system = !unix_socket && spec.port == 0;
  guard.l = nullptr;
  return out;
}

InsertedListener insert_listener(wasi::Context& ctx, const HostListener& listener) {
  os::UniqueFd copy(::fcntl(listener.fd.get(), F_DUPFD_CLOEXEC, 3));
  if (!copy) throw Error("cannot hand " + listener.url + " to the guest: " + std::strerror(errno));
  auto socket = Socket::adopt(std::move(copy), ctx.wake);
  if (!socket.ok())
    throw Error("cannot hand " + listener.url + " to the guest (" + wasi::errno_symbol(socket.error()) + ")");
  std::shared_ptr<Socket> shared = std::move(*socket);
  shared->mark_shared_listener();
  auto guest_fd = insert_socket(ctx, shared, wasi::fdflags::nonblock);
  // A listener is no connection: only the fd cap can refuse it.
  if (!guest_fd.ok())
    throw Error("cannot listen on " + listener.url + ": --max-fds " + std::to_string(ctx.fds.max_fds()) +
                " leaves no fd for it");
  return {*guest_fd, std::move(shared)};
}

void remove_socket_file(const HostListener& listener) noexcept {
  if (listener.socket_file.empty()) return;
  struct stat st{};
  if (::lstat(listener.socket_file.c_str(), &st) != 0) return;
  if (!S_ISSOCK(st.st_mode) || st.st_dev != listener.dev || st.st_ino != listener.ino) return;
  ::unlink(listener.socket_file.c_str());
}

}  // namespace net
}  // namespace wasinet
