// v0_preview1: preview1's sock_accept, sock_recv, sock_send and
// sock_shutdown on sockets opened through wasinet_v0, driven by
// tests/unit/preview1_sock_engine_test.cc (the native peer). Lines on
// stdout are the protocol with that test; any mismatch prints
// "v0_preview1: ..." on stderr and exits 1.
//
//   accept IP   "port N"; the test connects twice. Accept flags and the
//               new fds' modes; on the first (blocking) connection
//               RECV_WAITALL across two writes ("waitall"), RECV_PEEK,
//               sock_send, shutdown of the write side; the second
//               (non-blocking) one: EAGAIN, then shutdown of both sides
//   dgram IP    datagrams between two guest sockets: RECV_DATA_TRUNCATED
//               with and without RECV_PEEK; sock_send on a connected one
#include <arpa/inet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define GUEST_NAME "v0_preview1"
#include "v0_guest.h"

static void wait_readable(uint32_t fd) {
  struct pollfd p = {.fd = (int)fd, .events = POLLIN};
  if (poll(&p, 1, 5000) != 1) fail("fd %u never became readable", fd);
}

static uint32_t open_bound(const char* ip, int32_t type) {
  uint32_t fd;
  OK(wasinet_sock_open(is_ipv6(ip) ? WASINET_AF_INET6 : WASINET_AF_INET, type, 0, &fd));
  wasinet_raw_addr a;
  make_addr(&a, ip, 0);
  OK(wasinet_sock_bind(fd, &a, sizeof a));
  return fd;
}

static __wasi_fdflags_t fdflags_of(uint32_t fd) {
  __wasi_fdstat_t st;
  OK(__wasi_fd_fdstat_get(fd, &st));
  if (st.fs_filetype != __WASI_FILETYPE_SOCKET_STREAM) fail("fd %u filetype %u", fd, st.fs_filetype);
  return st.fs_flags;
}

// One sock_recv into `len` bytes of buf.
static __wasi_errno_t recv1(uint32_t fd, char* buf, size_t len, __wasi_riflags_t flags,
                            __wasi_size_t* n, __wasi_roflags_t* of) {
  __wasi_iovec_t iov = {(uint8_t*)buf, len};
  return __wasi_sock_recv(fd, &iov, 1, flags, n, of);
}

static __wasi_errno_t send1(uint32_t fd, const char* data, __wasi_siflags_t flags, __wasi_size_t* n) {
  __wasi_ciovec_t iov = {(const uint8_t*)data, strlen(data)};
  return __wasi_sock_send(fd, &iov, 1, flags, n);
}

static void accept_scenario(const char* ip) {
  uint32_t l = open_bound(ip, WASINET_SOCK_STREAM);
  OK(wasinet_sock_listen(l, 4));
  wasinet_raw_addr la;
  OK(wasinet_sock_getlocaladdr(l, &la, sizeof la));
  say("port %u", wasinet_addr_port(&la));

  __wasi_fd_t a = 12345, b = 12345;
  // Only FDFLAGS_NONBLOCK means anything for a socket: others are EINVAL
  // (and take no connection).
  wait_readable(l);
  EXPECT_ERRNO(__WASI_ERRNO_INVAL, __wasi_sock_accept(l, __WASI_FDFLAGS_APPEND, &a));
  EXPECT_ERRNO(__WASI_ERRNO_INVAL, __wasi_sock_accept(l, __WASI_FDFLAGS_NONBLOCK | 0x100, &a));
  if (a != 12345) fail("a refused accept wrote the fd");
  OK(__wasi_sock_accept(l, 0, &a));
  if (fdflags_of(a) & __WASI_FDFLAGS_NONBLOCK) fail("accept(flags 0) gave a NONBLOCK fd");
  wait_readable(l);
  OK(__wasi_sock_accept(l, __WASI_FDFLAGS_NONBLOCK, &b));
  if (!(fdflags_of(b) & __WASI_FDFLAGS_NONBLOCK)) fail("accept(NONBLOCK) gave a blocking fd");
  // The listener itself is non-blocking (wasinet_v0).
  __wasi_fd_t none;
  EXPECT_ERRNO(__WASI_ERRNO_AGAIN, __wasi_sock_accept(l, 0, &none));

  char buf[16];
  __wasi_size_t n;
  __wasi_roflags_t of;
  say("waitall");
  // The peer writes "abcd", then "efgh" a little later: on a blocking fd
  // RECV_WAITALL waits for both.
  OK(recv1(a, buf, 8, __WASI_RIFLAGS_RECV_WAITALL, &n, &of));
  if (n != 8 || memcmp(buf, "abcdefgh", 8) != 0 || of != 0) fail("waitall: %u bytes", n);
  say("peek");
  OK(recv1(a, buf, 8, __WASI_RIFLAGS_RECV_PEEK, &n, &of));
  if (n != 8 || memcmp(buf, "peekdata", 8) != 0) fail("peek: %u bytes", n);
  memset(buf, 0, sizeof buf);
  OK(recv1(a, buf, sizeof buf, 0, &n, &of));
  if (n != 8 || memcmp(buf, "peekdata", 8) != 0) fail("after peek: %u bytes", n);
  EXPECT_ERRNO(__WASI_ERRNO_INVAL, recv1(a, buf, sizeof buf, 4, &n, &of));

  EXPECT_ERRNO(__WASI_ERRNO_INVAL, send1(a, "reply", 1, &n));
  OK(send1(a, "reply", 0, &n));
  if (n != 5) fail("sent %u", n);
  EXPECT_ERRNO(__WASI_ERRNO_INVAL, __wasi_sock_shutdown(a, 0));
  EXPECT_ERRNO(__WASI_ERRNO_INVAL, __wasi_sock_shutdown(a, 4));
  OK(__wasi_sock_shutdown(a, __WASI_SDFLAGS_WR));
  // Reading still works after shutting down only the write side.
  OK(recv1(a, buf, sizeof buf, 0, &n, &of));
  if (n != 3 || memcmp(buf, "bye", 3) != 0) fail("after shutdown(WR): %u bytes", n);

  EXPECT_ERRNO(__WASI_ERRNO_AGAIN, recv1(b, buf, sizeof buf, 0, &n, &of));
  OK(__wasi_sock_shutdown(b, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
  OK(__wasi_fd_close(a));
  OK(__wasi_fd_close(b));
  OK(__wasi_fd_close(l));
  say("ok");
}

static void dgram_scenario(const char* ip) {
  uint32_t a = open_bound(ip, WASINET_SOCK_DGRAM), b = open_bound(ip, WASINET_SOCK_DGRAM);
  wasinet_raw_addr aa, ba;
  OK(wasinet_sock_getlocaladdr(a, &aa, sizeof aa));
  OK(wasinet_sock_getlocaladdr(b, &ba, sizeof ba));
  wasinet_iovec iov = wasinet_iov((void*)"0123456789abcdefghij", 20);
  uint32_t sent;
  OK(wasinet_sock_send_to(b, &iov, 1, NULL, 0, &aa, sizeof aa, 0, &sent));

  char buf[8];
  __wasi_size_t n;
  __wasi_roflags_t of;
  wait_readable(a);
  OK(recv1(a, buf, sizeof buf, __WASI_RIFLAGS_RECV_PEEK, &n, &of));
  if (n != 8 || of != __WASI_ROFLAGS_RECV_DATA_TRUNCATED) fail("peek: %u bytes, flags %u", n, of);
  OK(recv1(a, buf, sizeof buf, 0, &n, &of));
  if (n != 8 || of != __WASI_ROFLAGS_RECV_DATA_TRUNCATED || memcmp(buf, "01234567", 8) != 0)
    fail("truncated: %u bytes, flags %u", n, of);
  // The rest of the datagram is gone.
  EXPECT_ERRNO(__WASI_ERRNO_AGAIN, recv1(a, buf, sizeof buf, 0, &n, &of));

  iov.len = 5;
  OK(wasinet_sock_send_to(b, &iov, 1, NULL, 0, &aa, sizeof aa, 0, &sent));
  wait_readable(a);
  OK(recv1(a, buf, sizeof buf, 0, &n, &of));
  if (n != 5 || of != 0) fail("whole datagram: %u bytes, flags %u", n, of);

  // No destination: a datagram socket must be connected for sock_send.
  EXPECT_ERRNO(__WASI_ERRNO_DESTADDRREQ, send1(a, "hey", 0, &n));
  OK(wasinet_sock_connect(a, &ba, sizeof ba));
  OK(send1(a, "hey", 0, &n));
  if (n != 3) fail("sent %u", n);
  wait_readable(b);
  OK(recv1(b, buf, sizeof buf, 0, &n, &of));
  if (n != 3 || memcmp(buf, "hey", 3) != 0) fail("connected datagram: %u bytes", n);
  OK(__wasi_fd_close(a));
  OK(__wasi_fd_close(b));
  say("ok");
}

int main(int argc, char** argv) {
  if (argc != 3) fail("usage: v0_preview1 SCENARIO IP");
  if (!strcmp(argv[1], "accept")) accept_scenario(argv[2]);
  else if (!strcmp(argv[1], "dgram")) dgram_scenario(argv[2]);
  else fail("unknown scenario %s", argv[1]);
  return 0;
}
