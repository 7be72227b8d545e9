#include "runtime/metrics_server.hh"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/network.hh"
#include "wasinet/error.hh"

namespace wasinet::runtime {
namespace {

constexpr size_t kMaxRequest = 8 * 1024;
constexpr timeval kIoTimeout{2, 0};

// The operator's own address: every listen is allowed.
class OperatorsAddress final : public net::Network {
 public:
  wasi::Status check(const net::Request&) override { return wasi::Errno::success; }
};

// The request head, up to the blank line; empty when the client sent none
// in time.
std::string read_head(int fd) {
  std::string head;
  char buf[1024];
  while (head.size() < kMaxRequest && head.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    head.append(buf, static_cast<size_t>(n));
  }
  return head;
}

void send_all(int fd, const std::string& data) {
  size_t at = 0;
  while (at < data.size()) {
    const ssize_t n = ::send(fd, data.data() + at, data.size() - at, MSG_NOSIGNAL);
    if (n <= 0) return;
    at += static_cast<size_t>(n);
  }
}

std::string response(const char* status, const char* type, const std::string& body) {
  return std::string("HTTP/1.1 ") + status + "\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

std::string metrics_address(const std::string& url) {
  if (url.starts_with("tcp://")) return "http://" + url.substr(6) + "/metrics";
  return url + " (GET /metrics)";
}

MetricsServer::MetricsServer(const ListenSpec& where, const MetricsRegistry& registry) : registry_(registry) {
  OperatorsAddress anyone;
  try {
    listener_ = net::open_host_listener(where, &anyone);
  } catch (const Error& e) {
    throw Error(std::string("--metrics: ") + e.what());
  }
  stop_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop_) throw Error(std::string("--metrics: eventfd: ") + std::strerror(errno));
  thread_ = std::thread([this] { serve(); });
}

MetricsServer::~MetricsServer() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(stop_.get(), &one, sizeof one);
  thread_.join();
  net::remove_socket_file(listener_);
}

void MetricsServer::serve() {
  pollfd fds[2] = {{listener_.fd.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents) return;
    if (!(fds[0].revents & POLLIN)) continue;
    os::UniqueFd conn(::accept4(listener_.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) continue;
    // A slow or silent client costs at most the I/O timeout.
    ::setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &kIoTimeout, sizeof kIoTimeout);
    ::setsockopt(conn.get(), SOL_SOCKET, SO_SNDTIMEO, &kIoTimeout, sizeof kIoTimeout);
    answer(conn.get());
  }
}

void MetricsServer::answer(int fd) const {
  const std::string head = read_head(fd);
  const size_t line_end = head.find("\r\n");
  const std::string line = head.substr(0, line_end);
  // "GET /metrics HTTP/1.1" (a query string is allowed, as Prometheus may add one).
  const bool metrics = line.starts_with("GET /metrics ") || line.starts_with("GET /metrics?");
  if (!metrics) {
    send_all(fd, response("404 Not Found", "text/plain; charset=utf-8", "only GET /metrics is served here\n"));
    return;
  }
  send_all(fd, response("200 OK", "text/plain; version=0.0.4; charset=utf-8", registry_.render()));
}

}  // namespace wasinet::runtime
