// v0_net: wasinet_v0 over real loopback sockets, one scenario per run,
// driven by tests/unit/wasinet_v0_engine_test.cc (which plays the native
// peer where there is one). Lines on stdout are the protocol with that
// test; any mismatch prints "v0_net: ..." on stderr and exits 1.
//
//   tcp_self IP            listener and client in this guest: addresses,
//                          EINPROGRESS + SO_ERROR, EAGAIN, data, EOF
//   tcp_client IP PORT     dial a native echo server; "local N"
//   tcp_server IP          "port N", accept a native client that sends
//                          "from N" (its port), answer "ok"
//   refused IP PORT        connect to a closed port: EINPROGRESS, then
//                          SO_ERROR as the call's errno and as the value
//   udp IP PORT            "port N"; datagrams with a native peer: source
//                          addresses, MSG_TRUNC, MSG_PEEK; then two guest
//                          sockets
//   unix_stream DIR        listener and client on DIR/s.sock (DIR a
//                          preopened guest path)
//   unix_dgram DIR         datagrams between DIR/a.sock and DIR/b.sock;
//                          "source PATH"
//   bigwrite IP PORT SIZE  to a native reader: a MSG_DONTWAIT send
//                          ("dontwait N") and a full send of SIZE bytes
//                          in one call ("sent N")
//   timeouts IP            SO_RCVTIMEO / SO_SNDTIMEO as the guest library
//                          sets them: expired, cleared, elapsed
//   options IP             the integer options and their refusals
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#define GUEST_NAME "v0_net"
#include "v0_guest.h"

enum { E_AGAIN = 6, E_INPROGRESS = 26, E_INVAL = 28, E_CONNREFUSED = 14, E_NOPROTOOPT = 50,
       E_TIMEDOUT = 73 };

// Waits (in poll_oneoff) until fd is readable or writable; 5 s at most.
static void wait_fd(uint32_t fd, short events) {
  struct pollfd p = {.fd = (int)fd, .events = events};
  int n = poll(&p, 1, 5000);
  if (n != 1) fail("poll fd %u events %d: %d (errno %d)", fd, events, n, errno);
}

static int32_t family_of(const char* ip) {
  return wasinet_sock_determine_host_af_family(is_ipv6(ip) ? 3 : 2);
}

static void expect_ip(const wasinet_raw_addr* a, const char* ip, const char* what) {
  wasinet_raw_addr want;
  make_addr(&want, ip, 0);
  if (a->family != want.family) fail("%s: family %u, want %u", what, a->family, want.family);
  size_t n = want.family == WASINET_AF_INET6 ? 16 : 4;
  if (memcmp(wasinet_addr_ip(a), wasinet_addr_ip(&want), n) != 0) fail("%s: wrong ip", what);
}

static uint32_t open_socket(int32_t af, int32_t type) {
  uint32_t fd = 0xdeadbeef;
  OK(wasinet_sock_open(af, type, 0, &fd));
  return fd;
}

static uint32_t open_bound(const char* ip, int32_t type, uint32_t port) {
  uint32_t fd = open_socket(family_of(ip), type);
  wasinet_raw_addr a;
  make_addr(&a, ip, port);
  OK(wasinet_sock_bind(fd, &a, sizeof a));
  return fd;
}

static wasinet_raw_addr local_of(uint32_t fd) {
  wasinet_raw_addr a;
  OK(wasinet_sock_getlocaladdr(fd, &a, sizeof a));
  return a;
}

static wasinet_raw_addr peer_of(uint32_t fd) {
  wasinet_raw_addr a;
  OK(wasinet_sock_getpeeraddr(fd, &a, sizeof a));
  return a;
}

static void same_addr(const wasinet_raw_addr* a, const wasinet_raw_addr* b, const char* what) {
  if (a->family != b->family || wasinet_addr_port(a) != wasinet_addr_port(b) ||
      memcmp(wasinet_addr_ip(a), wasinet_addr_ip(b), a->family == WASINET_AF_INET6 ? 16 : 4) != 0)
    fail("%s: addresses differ (ports %u and %u)", what, wasinet_addr_port(a), wasinet_addr_port(b));
}

// One sock_send_to of the whole buffer, passing `to` as the Go library
// does on every write (ignored on stream sockets).
static uint32_t send_bytes(uint32_t fd, const void* data, uint32_t len, const wasinet_raw_addr* to,
                           int32_t flags) {
  wasinet_iovec iov = wasinet_iov((void*)data, len);
  uint32_t n = 0xdeadbeef;
  OK(wasinet_sock_send_to(fd, &iov, 1, NULL, 0, to, to ? sizeof *to : 0, flags, &n));
  return n;
}

// Receives once, waiting for readability first. Returns the byte count.
static uint32_t recv_bytes(uint32_t fd, void* buf, uint32_t len, wasinet_raw_addr* from,
                           int32_t flags, uint32_t* oflags) {
  wait_fd(fd, POLLIN);
  wasinet_iovec iov = wasinet_iov(buf, len);
  uint32_t n = 0xdeadbeef, of = 0xdeadbeef;
  OK(wasinet_sock_recv_from(fd, &iov, 1, NULL, 0, from, from ? sizeof *from : 0, flags, &n, &of));
  if (oflags) *oflags = of;
  return n;
}

// Reads exactly `len` bytes from a stream.
static void recv_exact(uint32_t fd, char* buf, uint32_t len) {
  uint32_t got = 0;
  while (got < len) {
    uint32_t n = recv_bytes(fd, buf + got, len - got, NULL, 0, NULL);
    if (n == 0) fail("end of stream after %u of %u bytes", got, len);
    got += n;
  }
}

static void expect_eof(uint32_t fd) {
  char c;
  if (recv_bytes(fd, &c, 1, NULL, 0, NULL) != 0) fail("expected end of stream");
}

static int32_t so_error(uint32_t fd, uint32_t* value) {
  *value = 0xdeadbeef;
  return wasinet_sock_getsockopt(fd, 0, WASINET_SO_ERROR, value, 4);
}

// A non-blocking connect as the Go library does it: EINPROGRESS (or done
// at once), writability, then SO_ERROR's errno.
static void connect_to(uint32_t fd, const wasinet_raw_addr* to) {
  int32_t e = wasinet_sock_connect(fd, to, sizeof *to);
  if (e != 0 && e != E_INPROGRESS) fail("connect: errno %d", e);
  wait_fd(fd, POLLOUT);
  uint32_t value;
  OK(so_error(fd, &value));
  if (value != 0) fail("SO_ERROR value %u after a good connect", value);
}

static void check_fdstat(uint32_t fd, uint8_t filetype) {
  __wasi_fdstat_t st;
  OK(__wasi_fd_fdstat_get(fd, &st));
  if (st.fs_filetype != filetype) fail("fd %u: filetype %u, want %u", fd, st.fs_filetype, filetype);
  if (!(st.fs_flags & __WASI_FDFLAGS_NONBLOCK)) fail("fd %u is not NONBLOCK", fd);
}

static void tcp_self(const char* ip) {
  uint32_t l = open_bound(ip, WASINET_SOCK_STREAM, 0);
  check_fdstat(l, __WASI_FILETYPE_SOCKET_STREAM);
  OK(wasinet_sock_listen(l, 8));
  wasinet_raw_addr la = local_of(l);
  expect_ip(&la, ip, "listener");
  if (wasinet_addr_port(&la) == 0) fail("listener has port 0");

  uint32_t nfd = 0xdeadbeef;
  wasinet_raw_addr peer;
  EXPECT_ERRNO(E_AGAIN, wasinet_sock_accept(l, &nfd, &peer, sizeof peer));
  if (nfd != 0xdeadbeef) fail("EAGAIN accept wrote the fd");

  uint32_t c = open_socket(family_of(ip), WASINET_SOCK_STREAM);
  int32_t e = wasinet_sock_connect(c, &la, sizeof la);
  if (e != E_INPROGRESS && e != 0) fail("connect: errno %d", e);
  wait_fd(c, POLLOUT);
  uint32_t value;
  OK(so_error(c, &value));
  if (value != 0) fail("SO_ERROR value %u", value);

  wait_fd(l, POLLIN);
  OK(wasinet_sock_accept(l, &nfd, &peer, sizeof peer));
  check_fdstat(nfd, __WASI_FILETYPE_SOCKET_STREAM);
  wasinet_raw_addr cl = local_of(c), cp = peer_of(c), sl = local_of(nfd), sp = peer_of(nfd);
  same_addr(&peer, &cl, "accepted peer vs client local");
  same_addr(&sp, &cl, "server peer vs client local");
  same_addr(&cp, &la, "client peer vs listener");
  same_addr(&sl, &la, "server local vs listener");

  // Nothing to read yet: EAGAIN, and nothing written to the out-params.
  char buf[64];
  wasinet_iovec iov = wasinet_iov(buf, sizeof buf);
  uint32_t n = 0xdeadbeef, of = 0xdeadbeef;
  EXPECT_ERRNO(E_AGAIN, wasinet_sock_recv_from(nfd, &iov, 1, NULL, 0, NULL, 0, 0, &n, &of));
  if (n != 0xdeadbeef || of != 0xdeadbeef) fail("EAGAIN recv wrote its out-params");

  // The Go library passes the peer on every stream write: ignored.
  if (send_bytes(c, "ping", 4, &cp, 0) != 4) fail("short send");
  // A stream receive names no source: the address buffer stays as it was.
  wasinet_raw_addr from;
  memset(&from, 0xAA, sizeof from);
  uint32_t got = recv_bytes(nfd, buf, sizeof buf, &from, 0, &of);
  if (got != 4 || memcmp(buf, "ping", 4) != 0 || of != 0) fail("server got %u bytes", got);
  for (size_t i = 0; i < sizeof from; ++i)
    if (((uint8_t*)&from)[i] != 0xAA) fail("stream recv_from wrote a source address");

  // A stream write with a garbage address: still ignored.
  wasinet_raw_addr junk;
  memset(&junk, 0x77, sizeof junk);
  if (send_bytes(nfd, "pong!", 5, &junk, 0) != 5) fail("short reply");
  recv_exact(c, buf, 5);
  if (memcmp(buf, "pong!", 5) != 0) fail("client got the wrong reply");

  OK(wasinet_sock_shutdown(c, WASINET_SHUT_WR));
  expect_eof(nfd);
  OK(__wasi_fd_close(c));
  OK(__wasi_fd_close(nfd));
  OK(__wasi_fd_close(l));
  say("ok");
}

static void tcp_client(const char* ip, uint32_t port) {
  uint32_t c = open_socket(family_of(ip), WASINET_SOCK_STREAM);
  wasinet_raw_addr to;
  make_addr(&to, ip, port);
  connect_to(c, &to);
  wasinet_raw_addr p = peer_of(c);
  same_addr(&p, &to, "peer");
  wasinet_raw_addr l = local_of(c);
  expect_ip(&l, ip, "local");
  say("local %u", wasinet_addr_port(&l));
  const char msg[] = "hello from guest";
  if (send_bytes(c, msg, sizeof msg - 1, &p, 0) != sizeof msg - 1) fail("short send");
  char buf[sizeof msg - 1];
  recv_exact(c, buf, sizeof buf);
  if (memcmp(buf, "HELLO FROM GUEST", sizeof buf) != 0) fail("wrong echo");
  expect_eof(c);
  OK(__wasi_fd_close(c));
  say("ok");
}

static void tcp_server(const char* ip) {
  uint32_t l = open_socket(family_of(ip), WASINET_SOCK_STREAM);
  int32_t one = 1;
  OK(wasinet_sock_setsockopt(l, WASINET_SOL_SOCKET, WASINET_SO_REUSEADDR, &one, 4));
  wasinet_raw_addr a;
  make_addr(&a, ip, 0);
  OK(wasinet_sock_bind(l, &a, sizeof a));
  OK(wasinet_sock_listen(l, 4));
  wasinet_raw_addr la = local_of(l);
  say("port %u", wasinet_addr_port(&la));
  wait_fd(l, POLLIN);
  uint32_t s;
  wasinet_raw_addr peer;
  OK(wasinet_sock_accept(l, &s, &peer, sizeof peer));
  check_fdstat(s, __WASI_FILETYPE_SOCKET_STREAM);
  expect_ip(&peer, ip, "accepted peer");
  char buf[32] = {0};
  uint32_t got = 0;
  while (got < 4 || buf[got - 1] != '\n') {
    uint32_t n = recv_bytes(s, buf + got, sizeof buf - 1 - got, NULL, 0, NULL);
    if (n == 0) fail("eof before the client's line");
    got += n;
  }
  unsigned port = 0;
  if (sscanf(buf, "from %u", &port) != 1) fail("bad line %s", buf);
  if (port != wasinet_addr_port(&peer)) fail("peer port %u, client says %u", wasinet_addr_port(&peer), port);
  if (send_bytes(s, "ok\n", 3, &peer, 0) != 3) fail("short send");
  OK(wasinet_sock_shutdown(s, WASINET_SHUT_RDWR));
  OK(__wasi_fd_close(s));
  OK(__wasi_fd_close(l));
  say("ok");
}

static void refused(const char* ip, uint32_t port) {
  uint32_t c = open_socket(family_of(ip), WASINET_SOCK_STREAM);
  wasinet_raw_addr to;
  make_addr(&to, ip, port);
  EXPECT_ERRNO(E_INPROGRESS, wasinet_sock_connect(c, &to, sizeof to));
  // A failed connect wakes writers (and readers) of the fd.
  wait_fd(c, POLLOUT);
  uint32_t value;
  EXPECT_ERRNO(E_CONNREFUSED, so_error(c, &value));
  if (value != E_CONNREFUSED) fail("SO_ERROR value %u", value);
  // Reading SO_ERROR cleared it.
  OK(so_error(c, &value));
  if (value != 0) fail("SO_ERROR not cleared: %u", value);
  OK(__wasi_fd_close(c));
  say("ok");
}

static void udp(const char* ip, uint32_t peer_port) {
  uint32_t s = open_bound(ip, WASINET_SOCK_DGRAM, 0);
  check_fdstat(s, __WASI_FILETYPE_SOCKET_DGRAM);
  wasinet_raw_addr local = local_of(s), peer;
  make_addr(&peer, ip, peer_port);
  say("port %u", wasinet_addr_port(&local));
  if (send_bytes(s, "ping", 4, &peer, 0) != 4) fail("short datagram");

  char buf[128];
  wasinet_raw_addr from;
  uint32_t of;
  uint32_t n = recv_bytes(s, buf, sizeof buf, &from, 0, &of);
  if (n != 4 || memcmp(buf, "pong", 4) != 0 || of != 0) fail("got %u bytes, flags %u", n, of);
  same_addr(&from, &peer, "datagram source");

  // The peer's next datagram is 100 bytes: cut to 10, flagged MSG_TRUNC.
  n = recv_bytes(s, buf, 10, &from, 0, &of);
  if (n != 10 || of != WASINET_MSG_TRUNC) fail("truncated: %u bytes, flags %u", n, of);
  // Then "peek": seen twice.
  n = recv_bytes(s, buf, sizeof buf, NULL, WASINET_MSG_PEEK, &of);
  if (n != 4 || memcmp(buf, "peek", 4) != 0) fail("peek: %u bytes", n);
  n = recv_bytes(s, buf, sizeof buf, NULL, 0, &of);
  if (n != 4 || memcmp(buf, "peek", 4) != 0) fail("after peek: %u bytes", n);
  wasinet_iovec iov = wasinet_iov(buf, sizeof buf);
  uint32_t nread;
  EXPECT_ERRNO(E_AGAIN, wasinet_sock_recv_from(s, &iov, 1, NULL, 0, &from, sizeof from, 0, &nread, &of));

  // Guest to guest, with a scatter read over two buffers.
  uint32_t t = open_bound(ip, WASINET_SOCK_DGRAM, 0);
  wasinet_raw_addr tl = local_of(t);
  if (send_bytes(s, "0123456789", 10, &tl, 0) != 10) fail("short datagram");
  char a[4], b[16];
  wasinet_iovec two[2] = {wasinet_iov(a, sizeof a), wasinet_iov(b, sizeof b)};
  wait_fd(t, POLLIN);
  OK(wasinet_sock_recv_from(t, two, 2, NULL, 0, &from, sizeof from, 0, &nread, &of));
  if (nread != 10 || memcmp(a, "0123", 4) != 0 || memcmp(b, "456789", 6) != 0) fail("scatter read");
  same_addr(&from, &local, "guest datagram source");
  OK(__wasi_fd_close(t));
  OK(__wasi_fd_close(s));
  say("ok");
}

static void join(char* out, const char* dir, const char* name) {
  snprintf(out, 122, "%s/%s", dir, name);
}

static void unix_stream(const char* dir) {
  char path[122];
  join(path, dir, "s.sock");
  wasinet_raw_addr a;
  wasinet_addr_unix(&a, path);
  uint32_t l = open_socket(wasinet_sock_determine_host_af_family(1), WASINET_SOCK_STREAM);
  OK(wasinet_sock_bind(l, &a, sizeof a));
  OK(wasinet_sock_listen(l, 4));
  wasinet_raw_addr la = local_of(l);
  if (la.family != WASINET_AF_UNIX || strcmp(wasinet_addr_path(&la), path) != 0)
    fail("listener local %u %s", la.family, wasinet_addr_path(&la));
  uint32_t c = open_socket(WASINET_AF_UNIX, WASINET_SOCK_STREAM);
  connect_to(c, &a);
  wasinet_raw_addr cp = peer_of(c);
  if (strcmp(wasinet_addr_path(&cp), path) != 0) fail("client peer %s", wasinet_addr_path(&cp));
  wait_fd(l, POLLIN);
  uint32_t s;
  wasinet_raw_addr peer;
  OK(wasinet_sock_accept(l, &s, &peer, sizeof peer));
  check_fdstat(s, __WASI_FILETYPE_SOCKET_STREAM);
  if (peer.family != WASINET_AF_UNIX || strcmp(wasinet_addr_path(&peer), "@") != 0)
    fail("unnamed peer reported as %s", wasinet_addr_path(&peer));
  // The Go library writes to an accepted unix conn with the peer it was
  // given ("@") as the address: ignored.
  if (send_bytes(s, "unix!", 5, &peer, 0) != 5) fail("short send");
  char buf[8];
  recv_exact(c, buf, 5);
  if (memcmp(buf, "unix!", 5) != 0) fail("wrong bytes");
  OK(__wasi_fd_close(s));
  expect_eof(c);
  OK(__wasi_fd_close(c));
  OK(__wasi_fd_close(l));
  say("ok");
}

static void unix_dgram(const char* dir) {
  char pa[122], pb[122];
  join(pa, dir, "a.sock");
  join(pb, dir, "b.sock");
  wasinet_raw_addr aa, ab;
  wasinet_addr_unix(&aa, pa);
  wasinet_addr_unix(&ab, pb);
  uint32_t a = open_socket(WASINET_AF_UNIX, WASINET_SOCK_DGRAM);
  uint32_t b = open_socket(WASINET_AF_UNIX, WASINET_SOCK_DGRAM);
  check_fdstat(a, __WASI_FILETYPE_SOCKET_DGRAM);
  OK(wasinet_sock_bind(a, &aa, sizeof aa));
  OK(wasinet_sock_bind(b, &ab, sizeof ab));
  if (send_bytes(a, "dgram", 5, &ab, 0) != 5) fail("short datagram");
  char buf[16];
  wasinet_raw_addr from;
  memset(&from, 0, sizeof from);
  uint32_t of;
  uint32_t n = recv_bytes(b, buf, sizeof buf, &from, 0, &of);
  if (n != 5 || memcmp(buf, "dgram", 5) != 0) fail("got %u bytes", n);
  if (from.family != WASINET_AF_UNIX) fail("source family %u", from.family);
  say("source %s", wasinet_addr_path(&from));
  // The Go library's WriteMsgUnix writes family 99: taken as unix.
  wasinet_raw_addr lib = ab;
  lib.family = 99;
  lib.socktype = 99;
  if (send_bytes(a, "lib", 3, &lib, 0) != 3) fail("short datagram");
  n = recv_bytes(b, buf, sizeof buf, NULL, 0, &of);
  if (n != 3 || memcmp(buf, "lib", 3) != 0) fail("got %u bytes", n);
  OK(__wasi_fd_close(a));
  OK(__wasi_fd_close(b));
  say("ok");
}

static void bigwrite(const char* ip, uint32_t port, uint32_t size) {
  char* data = malloc(size);
  if (!data) fail("malloc %u", size);
  for (uint32_t i = 0; i < size; ++i) data[i] = (char)(i * 7);
  uint32_t c = open_socket(family_of(ip), WASINET_SOCK_STREAM);
  wasinet_raw_addr to;
  make_addr(&to, ip, port);
  connect_to(c, &to);
  // The peer does not read yet: a non-blocking send takes what fits.
  wasinet_iovec iov = wasinet_iov(data, size);
  uint32_t n = 0;
  int32_t e = wasinet_sock_send_to(c, &iov, 1, NULL, 0, NULL, 0, WASINET_MSG_DONTWAIT, &n);
  if (e == E_AGAIN) n = 0;
  else if (e != 0) fail("dontwait send: errno %d", e);
  if (n >= size) fail("dontwait sent all %u bytes: make SIZE larger", n);
  say("dontwait %u", n);
  // compat: one call sends everything, waiting for the peer to read.
  n = send_bytes(c, data, size, &to, 0);
  if (n != size) fail("full send returned %u of %u", n, size);
  say("sent %u", n);
  OK(__wasi_fd_close(c));
  free(data);
}

static void get_timeval(uint32_t fd, uint32_t level, uint32_t name, wasinet_timeval* tv) {
  OK(wasinet_sock_getsockopt(fd, level, name, tv, sizeof *tv));
}

static void set_timeval(uint32_t fd, uint32_t level, uint32_t name, int64_t sec, int64_t msec) {
  wasinet_timeval tv = {sec, msec};
  OK(wasinet_sock_setsockopt(fd, level, name, &tv, sizeof tv));
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void timeouts(const char* ip) {
  uint32_t s = open_bound(ip, WASINET_SOCK_DGRAM, 0);
  const uint32_t level = WASINET_SOCK_DGRAM;  // compat: the socket type as level
  char buf[8];
  wasinet_iovec iov = wasinet_iov(buf, sizeof buf);
  uint32_t n, of;
  wasinet_timeval tv;

  get_timeval(s, level, WASINET_SO_RCVTIMEO, &tv);
  if (tv.sec != 0 || tv.msec != 0) fail("a new socket has a receive timeout");
  // "Deadline now": the guest library sends negative seconds.
  set_timeval(s, level, WASINET_SO_RCVTIMEO, -1, 0);
  EXPECT_ERRNO(E_TIMEDOUT, wasinet_sock_recv_from(s, &iov, 1, NULL, 0, NULL, 0, 0, &n, &of));
  get_timeval(s, 0, WASINET_SO_RCVTIMEO, &tv);
  if (tv.sec != -1 || tv.msec != 0) fail("expired reads back as {%lld, %lld}", tv.sec, tv.msec);
  // {0, 0} clears it: plain EAGAIN again.
  set_timeval(s, level, WASINET_SO_RCVTIMEO, 0, 0);
  EXPECT_ERRNO(E_AGAIN, wasinet_sock_recv_from(s, &iov, 1, NULL, 0, NULL, 0, 0, &n, &of));
  // A deadline ahead: EAGAIN, and it reads back as the time left.
  set_timeval(s, level, WASINET_SO_RCVTIMEO, 2, 0);
  EXPECT_ERRNO(E_AGAIN, wasinet_sock_recv_from(s, &iov, 1, NULL, 0, NULL, 0, 0, &n, &of));
  get_timeval(s, level, WASINET_SO_RCVTIMEO, &tv);
  int64_t left_ms = tv.sec * 1000 + tv.msec;
  if (tv.sec < 0 || tv.msec < 0 || tv.msec > 999 || left_ms <= 0 || left_ms > 2000)
    fail("2 s reads back as {%lld, %lld}", tv.sec, tv.msec);
  // Once it has passed: ETIMEDOUT.
  set_timeval(s, level, WASINET_SO_RCVTIMEO, 0, 100);
  struct timespec sleep_for = {0, 150 * 1000000};
  nanosleep(&sleep_for, NULL);
  EXPECT_ERRNO(E_TIMEDOUT, wasinet_sock_recv_from(s, &iov, 1, NULL, 0, NULL, 0, 0, &n, &of));
  // On a fd the guest made blocking, the receive waits until the deadline.
  if (fcntl(s, F_SETFL, 0) != 0) fail("fcntl: errno %d", errno);
  set_timeval(s, level, WASINET_SO_RCVTIMEO, 0, 200);
  int64_t start = now_ms();
  EXPECT_ERRNO(E_TIMEDOUT, wasinet_sock_recv_from(s, &iov, 1, NULL, 0, NULL, 0, 0, &n, &of));
  int64_t waited = now_ms() - start;
  if (waited < 150 || waited > 3000) fail("blocking receive waited %lld ms for 200", waited);
  // Seconds and milliseconds, at SOL_SOCKET too; send timeouts as well.
  set_timeval(s, WASINET_SOL_SOCKET, WASINET_SO_SNDTIMEO, 5, 250);
  get_timeval(s, WASINET_SOL_SOCKET, WASINET_SO_SNDTIMEO, &tv);
  if (tv.sec < 4 || tv.sec > 5 || tv.msec < 0 || tv.msec > 999) fail("5.25 s reads back as {%lld, %lld}", tv.sec, tv.msec);
  // Milliseconds are 0..999.
  wasinet_timeval bad = {1, 1000};
  EXPECT_ERRNO(E_INVAL, wasinet_sock_setsockopt(s, level, WASINET_SO_RCVTIMEO, &bad, sizeof bad));
  // A timeval needs 16 bytes.
  EXPECT_ERRNO(E_INVAL, wasinet_sock_setsockopt(s, level, WASINET_SO_RCVTIMEO, &bad, 8));
  EXPECT_ERRNO(E_INVAL, wasinet_sock_getsockopt(s, level, WASINET_SO_RCVTIMEO, &tv, 8));
  OK(__wasi_fd_close(s));
  say("ok");
}

static int32_t get_int(uint32_t fd, uint32_t level, uint32_t name) {
  int32_t v = 0x5a5a5a5a;
  OK(wasinet_sock_getsockopt(fd, level, name, &v, 4));
  return v;
}

static void set_int(uint32_t fd, uint32_t level, uint32_t name, int32_t v) {
  OK(wasinet_sock_setsockopt(fd, level, name, &v, 4));
}

static void options(const char* ip) {
  uint32_t s = open_socket(family_of(ip), WASINET_SOCK_STREAM);
  // Level 0 is SOL_SOCKET too (the guest library's constant).
  for (uint32_t level = 0; level <= 1; ++level) {
    set_int(s, level, WASINET_SO_REUSEADDR, 1);
    if (!get_int(s, level, WASINET_SO_REUSEADDR)) fail("SO_REUSEADDR not set");
    set_int(s, level, WASINET_SO_REUSEADDR, 0);
    if (get_int(s, level, WASINET_SO_REUSEADDR)) fail("SO_REUSEADDR not cleared");
  }
  set_int(s, WASINET_SOL_SOCKET, WASINET_SO_KEEPALIVE, 1);
  if (!get_int(s, WASINET_SOL_SOCKET, WASINET_SO_KEEPALIVE)) fail("SO_KEEPALIVE");
  set_int(s, WASINET_IPPROTO_TCP, WASINET_TCP_NODELAY, 1);
  if (!get_int(s, WASINET_IPPROTO_TCP, WASINET_TCP_NODELAY)) fail("TCP_NODELAY");
  set_int(s, WASINET_SOL_SOCKET, WASINET_SO_RCVBUF, 65536);
  if (get_int(s, WASINET_SOL_SOCKET, WASINET_SO_RCVBUF) < 65536) fail("SO_RCVBUF");
  set_int(s, WASINET_SOL_SOCKET, WASINET_SO_SNDBUF, 65536);
  if (get_int(s, WASINET_SOL_SOCKET, WASINET_SO_SNDBUF) < 65536) fail("SO_SNDBUF");
  set_int(s, WASINET_SOL_SOCKET, WASINET_SO_LINGER, 3);
  if (get_int(s, WASINET_SOL_SOCKET, WASINET_SO_LINGER) != 3) fail("SO_LINGER");
  set_int(s, WASINET_SOL_SOCKET, WASINET_SO_LINGER, -1);
  if (get_int(s, WASINET_SOL_SOCKET, WASINET_SO_LINGER) != -1) fail("SO_LINGER off");
  if (is_ipv6(ip)) {
    set_int(s, WASINET_IPPROTO_IPV6, WASINET_IPV6_V6ONLY, 1);
    if (!get_int(s, WASINET_IPPROTO_IPV6, WASINET_IPV6_V6ONLY)) fail("IPV6_V6ONLY");
  }
  uint32_t u = open_socket(family_of(ip), WASINET_SOCK_DGRAM);
  set_int(u, WASINET_SOL_SOCKET, WASINET_SO_BROADCAST, 1);
  if (!get_int(u, WASINET_SOL_SOCKET, WASINET_SO_BROADCAST)) fail("SO_BROADCAST");

  int32_t v = 1;
  // Real Linux options this host does not expose: SO_TYPE (3),
  // SO_BINDTODEVICE (25), TCP_MAXSEG (6/2), IP_TTL (0/2 is SO_REUSEADDR;
  // level 0 is SOL_SOCKET here, so IPPROTO_IP options cannot be named).
  EXPECT_ERRNO(E_NOPROTOOPT, wasinet_sock_setsockopt(s, 1, 3, &v, 4));
  EXPECT_ERRNO(E_NOPROTOOPT, wasinet_sock_getsockopt(s, 1, 3, &v, 4));
  EXPECT_ERRNO(E_NOPROTOOPT, wasinet_sock_setsockopt(s, 1, 25, "lo", 3));
  EXPECT_ERRNO(E_NOPROTOOPT, wasinet_sock_setsockopt(s, WASINET_IPPROTO_TCP, 2, &v, 4));
  EXPECT_ERRNO(E_NOPROTOOPT, wasinet_sock_setsockopt(s, 99, 1, &v, 4));
  // SO_ERROR is read-only.
  EXPECT_ERRNO(E_NOPROTOOPT, wasinet_sock_setsockopt(s, 1, WASINET_SO_ERROR, &v, 4));
  // An int needs 4 bytes.
  EXPECT_ERRNO(E_INVAL, wasinet_sock_setsockopt(s, 1, WASINET_SO_REUSEADDR, &v, 2));
  EXPECT_ERRNO(E_INVAL, wasinet_sock_getsockopt(s, 1, WASINET_SO_REUSEADDR, &v, 3));
  OK(__wasi_fd_close(u));
  OK(__wasi_fd_close(s));
  say("ok");
}

int main(int argc, char** argv) {
  if (argc < 3) fail("usage: v0_net SCENARIO ARGS...");
  const char* what = argv[1];
  const char* ip = argv[2];
  uint32_t port = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 0;
  if (!strcmp(what, "tcp_self")) tcp_self(ip);
  else if (!strcmp(what, "tcp_client")) tcp_client(ip, port);
  else if (!strcmp(what, "tcp_server")) tcp_server(ip);
  else if (!strcmp(what, "refused")) refused(ip, port);
  else if (!strcmp(what, "udp")) udp(ip, port);
  else if (!strcmp(what, "unix_stream")) unix_stream(argv[2]);
  else if (!strcmp(what, "unix_dgram")) unix_dgram(argv[2]);
  else if (!strcmp(what, "bigwrite") && argc > 4) bigwrite(ip, port, (uint32_t)strtoul(argv[4], NULL, 10));
  else if (!strcmp(what, "timeouts")) timeouts(ip);
  else if (!strcmp(what, "options")) options(ip);
  else fail("unknown scenario %s", what);
  return 0;
}
