// cxx_echo_client: C++ over the same SDK headers. Connects to a TCP echo
// server, sends SIZE bytes of a pattern while reading the echo back (one
// thread, poll()), and checks every byte.
//
//   wasinet run --allow-net=loopback --allow-dns cxx_echo_client.wasm localhost 7000 1048576
//
// Prints "echoed N bytes fnv1a64 HEX" and exits 0, or says what went
// wrong and exits 1. Builds without libc++ (Debian ships it for wasm32
// separately): the C library and C++ the language.
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// Owns a file descriptor: closed when the object goes away.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) close(fd_);
      fd_ = other.release();
    }
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_;
};

// Owns a getaddrinfo() list.
class AddrInfo {
 public:
  AddrInfo(const char* host, const char* port, int socktype) {
    addrinfo hints{};
    hints.ai_socktype = socktype;
    error_ = getaddrinfo(host, port, &hints, &list_);
  }
  ~AddrInfo() {
    if (list_) freeaddrinfo(list_);
  }
  AddrInfo(const AddrInfo&) = delete;
  AddrInfo& operator=(const AddrInfo&) = delete;
  const char* error() const { return error_ ? gai_strerror(error_) : nullptr; }

  template <typename F>
  void each(F&& f) const {
    for (const addrinfo* a = list_; a; a = a->ai_next)
      if (f(*a)) return;
  }

 private:
  addrinfo* list_ = nullptr;
  int error_ = 0;
};

[[noreturn]] void fail(const char* what, const char* why) {
  fprintf(stderr, "cxx_echo_client: %s: %s\n", what, why);
  exit(1);
}

constexpr uint8_t pattern_at(size_t i) { return static_cast<uint8_t>(i % 251); }

Fd dial(const char* host, const char* port) {
  AddrInfo addrs(host, port, SOCK_STREAM);
  if (const char* e = addrs.error()) fail(host, e);
  Fd conn;
  int last = 0;
  addrs.each([&](const addrinfo& a) {
    Fd fd(socket(a.ai_family, a.ai_socktype | SOCK_NONBLOCK, a.ai_protocol));
    if (!fd) return (last = errno), false;
    // Non-blocking connect: EINPROGRESS, then writability, then SO_ERROR.
    if (connect(fd.get(), a.ai_addr, a.ai_addrlen) != 0 && errno != EINPROGRESS)
      return (last = errno), false;
    pollfd p{fd.get(), POLLOUT, 0};
    if (poll(&p, 1, 10000) != 1) return (last = ETIMEDOUT), false;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return (last = err), false;
    conn = Fd(fd.release());
    return true;
  });
  if (!conn) fail("connect", strerror(last));
  return conn;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: cxx_echo_client HOST PORT SIZE\n");
    return 2;
  }
  const size_t size = strtoull(argv[3], nullptr, 10);
  Fd conn = dial(argv[1], argv[2]);

  size_t sent = 0, received = 0;
  uint64_t fnv = 14695981039346656037ULL;
  char out[16384], in[16384];
  bool closed_write = false;
  while (received < size || !closed_write) {
    if (sent == size && !closed_write) {
      if (shutdown(conn.get(), SHUT_WR) != 0) fail("shutdown", strerror(errno));
      closed_write = true;
      continue;
    }
    pollfd p{conn.get(), static_cast<short>(POLLIN | (sent < size ? POLLOUT : 0)), 0};
    if (poll(&p, 1, 20000) != 1) fail("poll", "no progress for 20 s");
    if (p.revents & POLLOUT) {
      size_t n = size - sent < sizeof out ? size - sent : sizeof out;
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(pattern_at(sent + i));
      ssize_t w = send(conn.get(), out, n, MSG_DONTWAIT);
      if (w < 0 && errno != EAGAIN) fail("send", strerror(errno));
      if (w > 0) sent += static_cast<size_t>(w);
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = recv(conn.get(), in, sizeof in, MSG_DONTWAIT);
      if (r < 0 && errno != EAGAIN) fail("recv", strerror(errno));
      if (r == 0) fail("recv", "the server closed the connection early");
      for (ssize_t i = 0; i < r; ++i, ++received) {
        if (static_cast<uint8_t>(in[i]) != pattern_at(received)) fail("echo", "wrong byte");
        fnv = (fnv ^ static_cast<uint8_t>(in[i])) * 1099511628211ULL;
      }
    }
  }
  // The server ends its side once the echo is done.
  pollfd p{conn.get(), POLLIN, 0};
  if (poll(&p, 1, 20000) != 1) fail("poll", "the server did not end the stream");
  char c;
  ssize_t r = recv(conn.get(), &c, 1, 0);
  if (r < 0) fail("recv", strerror(errno));
  if (r > 0) fail("recv", "data after the echo");
  printf("echoed %zu bytes fnv1a64 %016llx\n", received, static_cast<unsigned long long>(fnv));
  return 0;
}
