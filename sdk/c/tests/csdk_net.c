// csdk_net: the C SDK's behaviours, one scenario per run, driven by
// tests/e2e/csdk_*_test.go (which plays the native peer). Output lines are
// the protocol with that test; any mismatch prints "csdk_net: ..." on
// stderr and exits 1. Name lookups: csdk_resolve.c.
//
//   families IP4 PORT4 IP6 PORT6 DIR   AF_INET, AF_INET6, AF_UNIX (DIR/peer.sock)
//                                      clients: each sends "hello NAME"
//   refused IP PORT                    ECONNREFUSED, blocking and not
//   eagain IP PORT                     EAGAIN: O_NONBLOCK, MSG_DONTWAIT,
//                                      SO_RCVTIMEO (timed in the guest),
//                                      accept; then blocking reads work
//   badf                               EBADF, ENOTSOCK and the other refusals
//   pollmix IP PORT FILE               poll() and select() over a socket,
//                                      stdin and a file
//   listenfd FD FILE                   a --listen socket with a --dir:
//                                      answer one client with FILE's text
//   dgram IP                           sendmsg/recvmsg gather and scatter,
//                                      source addresses, MSG_TRUNC, MSG_PEEK,
//                                      EDESTADDRREQ, control data refused
//   sendbuf IP PORT                    non-blocking sends until EAGAIN,
//                                      SO_SNDTIMEO, "sent N" for the peer
//   unix DIR                           unix stream and datagram sockets
//                                      between two guest sockets under DIR
//   connecttimeout IP STALLED CLOSED OPEN
//                                      SO_SNDTIMEO on blocking connects: to a
//                                      full listen queue, a closed port, an
//                                      open one
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define GUEST_NAME "csdk_net"
#include "csdk_check.h"

// ------------------------------------------------------------- families

static void families(char** argv) {
  say("constants AF_INET=%d AF_INET6=%d AF_UNIX=%d SOCK_STREAM=%d SOCK_DGRAM=%d SOL_SOCKET=%#x",
      AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOL_SOCKET);
  for (int i = 0; i < 2; ++i) {
    const char* ip = argv[i * 2];
    int fd = dial(ip, atoi(argv[i * 2 + 1]), 0);
    struct sockaddr_storage local, peer;
    socklen_t llen = sizeof local, plen = sizeof peer;
    CHECK(getsockname(fd, (struct sockaddr*)&local, &llen) == 0);
    CHECK(getpeername(fd, (struct sockaddr*)&peer, &plen) == 0);
    int want = strchr(ip, ':') ? AF_INET6 : AF_INET;
    CHECK(local.ss_family == want && peer.ss_family == want);
    CHECK(llen == (want == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)));
    int domain = -1, type = -1;
    socklen_t dl = sizeof domain, tl = sizeof type;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dl) == 0 && domain == want);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM);
    char text[INET6_ADDRSTRLEN];
    const void* ipp = want == AF_INET ? (void*)&((struct sockaddr_in*)&local)->sin_addr
                                      : (void*)&((struct sockaddr_in6*)&local)->sin6_addr;
    CHECK(inet_ntop(want, ipp, text, sizeof text) != NULL);
    int port = ntohs(want == AF_INET ? ((struct sockaddr_in*)&local)->sin_port
                                     : ((struct sockaddr_in6*)&local)->sin6_port);
    say("%s local %s %d", want == AF_INET ? "inet" : "inet6", text, port);
    send_all(fd, want == AF_INET ? "hello inet\n" : "hello inet6\n");
    close(fd);
  }
  // AF_UNIX: a guest path under a preopened directory.
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  snprintf(un.sun_path, sizeof un.sun_path, "%s/peer.sock", argv[4]);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  CHECK(connect(fd, (struct sockaddr*)&un, sizeof un) == 0);
  struct sockaddr_storage peer;
  socklen_t plen = sizeof peer;
  CHECK(getpeername(fd, (struct sockaddr*)&peer, &plen) == 0);
  CHECK(peer.ss_family == AF_UNIX);
  CHECK(strcmp(((struct sockaddr_un*)&peer)->sun_path, un.sun_path) == 0);
  say("unix peer %s", ((struct sockaddr_un*)&peer)->sun_path);
  send_all(fd, "hello unix\n");
  close(fd);
  say("ok");
}

// ------------------------------------------------------------- refused

static void refused(char** argv) {
  struct sockaddr_storage ss;
  socklen_t len = make_addr(&ss, argv[0], atoi(argv[1]));
  // Blocking: the call itself fails.
  int fd = socket(ss.ss_family, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  EXPECT_ERRNO(ECONNREFUSED, connect(fd, (struct sockaddr*)&ss, len));
  close(fd);
  // Non-blocking: EINPROGRESS, then poll, then SO_ERROR.
  fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  CHECK(fd >= 0);
  EXPECT_ERRNO(EINPROGRESS, connect(fd, (struct sockaddr*)&ss, len));
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  CHECK(poll(&p, 1, 10000) == 1);
  int err = -1;
  socklen_t el = sizeof err;
  CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0);
  if (err != ECONNREFUSED) fail("SO_ERROR %d (%s), want ECONNREFUSED", err, strerror(err));
  CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0);  // cleared
  close(fd);
  say("refused %s", strerror(ECONNREFUSED));
  say("ok");
}

// ------------------------------------------------------------- eagain

static void eagain(char** argv) {
  char buf[64];
  // A blocking socket, connected; the peer says nothing until "go".
  int fd = dial(argv[0], atoi(argv[1]), 0);
  int flags = fcntl(fd, F_GETFL);
  CHECK(flags >= 0 && !(flags & O_NONBLOCK));

  // O_NONBLOCK through fcntl: recv, read and recvfrom answer EAGAIN.
  CHECK(fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0);
  CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
  EXPECT_ERRNO(EAGAIN, recv(fd, buf, sizeof buf, 0));
  EXPECT_ERRNO(EAGAIN, read(fd, buf, sizeof buf));
  struct sockaddr_storage from;
  socklen_t fl = sizeof from;
  EXPECT_ERRNO(EAGAIN, recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr*)&from, &fl));
  CHECK(EWOULDBLOCK == EAGAIN);

  // Blocking again: MSG_DONTWAIT still does not wait.
  CHECK(fcntl(fd, F_SETFL, flags) == 0);
  double t0 = now_ms();
  EXPECT_ERRNO(EAGAIN, recv(fd, buf, sizeof buf, MSG_DONTWAIT));
  // SO_RCVTIMEO bounds each blocking call, measured here.
  struct timeval tv = {.tv_sec = 0, .tv_usec = 300 * 1000};
  CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
  struct timeval back;
  socklen_t bl = sizeof back;
  CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &back, &bl) == 0 && back.tv_usec == 300000);
  for (int i = 0; i < 2; ++i) {
    t0 = now_ms();
    EXPECT_ERRNO(EAGAIN, recv(fd, buf, sizeof buf, 0));
    say("timeout %d waited_ms %.0f", i + 1, now_ms() - t0);
  }
  tv.tv_usec = 0;
  CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);

  // A non-blocking listener with nothing pending.
  struct sockaddr_storage ss;
  socklen_t len = make_addr(&ss, argv[0], 0);
  int l = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  CHECK(l >= 0);
  CHECK(bind(l, (struct sockaddr*)&ss, len) == 0);
  CHECK(listen(l, 4) == 0);
  EXPECT_ERRNO(EAGAIN, accept(l, NULL, NULL));
  close(l);

  // Now the peer talks: a blocking recv waits in the host for it.
  send_all(fd, "go\n");
  t0 = now_ms();
  ssize_t n = recv(fd, buf, 5, MSG_WAITALL);
  CHECK(n == 5);
  buf[n] = '\0';
  CHECK(strcmp(buf, "data\n") == 0);
  say("got data");
  close(fd);
  say("ok");
}

// ------------------------------------------------------------- badf

static void badf(void) {
  char buf[8];
  struct sockaddr_storage ss;
  socklen_t len = make_addr(&ss, "127.0.0.1", 9);
  int one = 1;
  socklen_t ol = sizeof one;
  const int bad[] = {1234, -1};
  for (size_t i = 0; i < 2; ++i) {
    int fd = bad[i];
    EXPECT_ERRNO(EBADF, send(fd, "x", 1, 0));
    EXPECT_ERRNO(EBADF, recv(fd, buf, sizeof buf, 0));
    EXPECT_ERRNO(EBADF, connect(fd, (struct sockaddr*)&ss, len));
    EXPECT_ERRNO(EBADF, bind(fd, (struct sockaddr*)&ss, len));
    EXPECT_ERRNO(EBADF, listen(fd, 1));
    EXPECT_ERRNO(EBADF, accept(fd, NULL, NULL));
    EXPECT_ERRNO(EBADF, shutdown(fd, SHUT_RDWR));
    EXPECT_ERRNO(EBADF, getsockopt(fd, SOL_SOCKET, SO_ERROR, &one, &ol));
    EXPECT_ERRNO(EBADF, setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    EXPECT_ERRNO(EBADF, getsockname(fd, (struct sockaddr*)&ss, &len));
  }
  // A closed socket.
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(fd >= 0);
  CHECK(close(fd) == 0);
  EXPECT_ERRNO(EBADF, sendto(fd, "x", 1, 0, (struct sockaddr*)&ss, len));
  EXPECT_ERRNO(EBADF, recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL));
  // Not a socket: stdout.
  EXPECT_ERRNO(ENOTSOCK, send(1, "x", 1, 0));
  EXPECT_ERRNO(ENOTSOCK, connect(1, (struct sockaddr*)&ss, len));
  EXPECT_ERRNO(ENOTSOCK, getsockopt(1, SOL_SOCKET, SO_TYPE, &one, &ol));
  // Numbers the SDK refuses before the host sees them.
  EXPECT_ERRNO(EAFNOSUPPORT, socket(10 /* Linux's AF_INET6, not wasi-libc's */, SOCK_STREAM, 0));
  EXPECT_ERRNO(EPROTOTYPE, socket(AF_INET, 1 /* Linux's SOCK_STREAM */, 0));
  EXPECT_ERRNO(EPROTONOSUPPORT, socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
  fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  EXPECT_ERRNO(EINVAL, shutdown(fd, 0));
  EXPECT_ERRNO(ENOPROTOOPT, setsockopt(fd, 0 /* IPPROTO_IP */, 2 /* IP_TTL */, &one, sizeof one));
  EXPECT_ERRNO(ENOPROTOOPT, setsockopt(fd, SOL_SOCKET, SO_ERROR, &one, sizeof one));
  EXPECT_ERRNO(EINVAL, setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, 2));
  CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
  int v = 0;
  socklen_t vl = sizeof v;
  CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &vl) == 0 && v != 0);
  struct linger lg = {1, 3};
  CHECK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
  struct linger lb;
  socklen_t lbl = sizeof lb;
  CHECK(getsockopt(fd, SOL_SOCKET, SO_LINGER, &lb, &lbl) == 0 && lb.l_onoff == 1 && lb.l_linger == 3);
  struct sockaddr_in6 wrong = {.sin6_family = 77};
  EXPECT_ERRNO(EAFNOSUPPORT, bind(fd, (struct sockaddr*)&wrong, sizeof wrong));
  EXPECT_ERRNO(EINVAL, bind(fd, (struct sockaddr*)&ss, 1));
  EXPECT_ERRNO(ENOTCONN, getpeername(fd, (struct sockaddr*)&ss, &len));
  EXPECT_ERRNO(ENOTCONN, shutdown(fd, SHUT_WR));
  close(fd);
  say("ok");
}

// ------------------------------------------------------------- pollmix

static void pollmix(char** argv) {
  int fd = dial(argv[0], atoi(argv[1]), 0);
  int file = open(argv[2], O_RDONLY);
  CHECK(file >= 0);
  // Nothing from the peer yet; the file is always readable; stdin has
  // the test's line.
  struct pollfd p[3] = {{.fd = fd, .events = POLLIN}, {.fd = file, .events = POLLIN},
                        {.fd = 0, .events = POLLIN}};
  int n = poll(p, 3, 5000);
  CHECK(n >= 1);
  CHECK(!(p[0].revents & POLLIN) && (p[1].revents & POLLIN));
  say("poll1 n=%d socket=%d file=%d stdin=%d", n, !!(p[0].revents & POLLIN),
      !!(p[1].revents & POLLIN), !!(p[2].revents & POLLIN));
  char line[64];
  ssize_t r = read(0, line, sizeof line);
  CHECK(r > 0);
  // An entry with no events and a negative fd are allowed and stay quiet;
  // a bad fd is POLLNVAL.
  struct pollfd q[3] = {{.fd = fd, .events = 0}, {.fd = -1, .events = POLLIN}, {.fd = 999, .events = 0}};
  CHECK(poll(q, 3, 0) == 1 && q[0].revents == 0 && q[1].revents == 0 && q[2].revents == POLLNVAL);

  // A timeout with nothing ready (stdin at EOF is ready, so leave it out).
  struct pollfd s = {.fd = fd, .events = POLLIN};
  double t0 = now_ms();
  CHECK(poll(&s, 1, 200) == 0);
  say("poll timeout waited_ms %.0f", now_ms() - t0);

  // Ask the peer for data, then wait with select().
  send_all(fd, "go\n");
  fd_set rd, wr;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_SET(fd, &rd);
  FD_SET(fd, &wr);
  struct timeval tv = {.tv_sec = 10};
  fd_set ex;
  FD_ZERO(&ex);
  FD_SET(fd, &ex);  // no urgent data ever: never set, but allowed
  n = select(fd + 1, &rd, &wr, &ex, &tv);
  CHECK(n >= 1 && FD_ISSET(fd, &wr) && !FD_ISSET(fd, &ex));
  // Writable at once; readable once the peer answered.
  FD_ZERO(&rd);
  FD_SET(fd, &rd);
  tv = (struct timeval){.tv_sec = 10};
  CHECK(select(fd + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(fd, &rd));
  r = recv(fd, line, sizeof line, 0);
  CHECK(r == 5 && memcmp(line, "data\n", 5) == 0);
  // The peer closes: POLLIN with a 0-byte read.
  s.revents = 0;
  CHECK(poll(&s, 1, 10000) == 1 && (s.revents & POLLIN));
  CHECK(recv(fd, line, sizeof line, 0) == 0);
  say("poll hangup revents=%#x", s.revents);
  close(file);
  close(fd);
  say("ok");
}

// ------------------------------------------------------------- dgram

static void dgram(char** argv) {
  struct sockaddr_storage ss;
  socklen_t len = make_addr(&ss, argv[0], 0);
  int a = socket(ss.ss_family, SOCK_DGRAM, 0), b = socket(ss.ss_family, SOCK_DGRAM, 0);
  CHECK(a >= 0 && b >= 0);
  CHECK(bind(a, (struct sockaddr*)&ss, len) == 0 && bind(b, (struct sockaddr*)&ss, len) == 0);
  struct sockaddr_storage aa, ba;
  socklen_t al = sizeof aa, bl = sizeof ba;
  CHECK(getsockname(a, (struct sockaddr*)&aa, &al) == 0 && getsockname(b, (struct sockaddr*)&ba, &bl) == 0);

  // Unconnected: no destination.
  EXPECT_ERRNO(EDESTADDRREQ, send(a, "x", 1, 0));
  // Gather three buffers into one datagram, scatter it into two.
  struct iovec out[3] = {{"01", 2}, {"2345", 4}, {"6789", 4}};
  struct msghdr m = {.msg_name = &ba, .msg_namelen = bl, .msg_iov = out, .msg_iovlen = 3};
  CHECK(sendmsg(a, &m, 0) == 10);
  char x[4], y[16];
  struct iovec in[2] = {{x, sizeof x}, {y, sizeof y}};
  struct sockaddr_storage from;
  struct msghdr r = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = in, .msg_iovlen = 2};
  CHECK(recvmsg(b, &r, 0) == 10);
  CHECK(memcmp(x, "0123", 4) == 0 && memcmp(y, "456789", 6) == 0 && r.msg_flags == 0);
  CHECK(r.msg_namelen == al && memcmp(&from, &aa, al) == 0);
  // Control data does not cross wasinet_v0: refused, not dropped.
  char control[16];
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  EXPECT_ERRNO(EOPNOTSUPP, sendmsg(a, &m, 0));

  // A long datagram into a short buffer: cut, MSG_TRUNC.
  char big[100];
  memset(big, 'b', sizeof big);
  CHECK(sendto(a, big, sizeof big, 0, (struct sockaddr*)&ba, bl) == 100);
  struct iovec one = {x, sizeof x};
  r = (struct msghdr){.msg_iov = &one, .msg_iovlen = 1};
  struct pollfd p = {.fd = b, .events = POLLIN};
  CHECK(poll(&p, 1, 5000) == 1);
  CHECK(recvmsg(b, &r, 0) == 4 && (r.msg_flags & MSG_TRUNC));
  // MSG_PEEK leaves it there; connected sockets need no address.
  CHECK(connect(b, (struct sockaddr*)&aa, al) == 0);
  CHECK(send(b, "peek", 4, 0) == 4);
  CHECK(poll(&(struct pollfd){.fd = a, .events = POLLIN}, 1, 5000) == 1);
  CHECK(recv(a, y, sizeof y, MSG_PEEK) == 4 && recv(a, y, sizeof y, 0) == 4 && memcmp(y, "peek", 4) == 0);
  EXPECT_ERRNO(EAGAIN, recv(a, y, sizeof y, MSG_DONTWAIT));
  close(a);
  close(b);
  say("ok");
}

// ------------------------------------------------------------- sendbuf

// Fills the send buffer of a non-blocking socket (the peer reads nothing
// yet), then sends with SO_SNDTIMEO on a blocking one. "sent N" is the
// total the peer must receive.
static void sendbuf(char** argv) {
  int fd = dial(argv[0], atoi(argv[1]), 0);
  CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0);
  static char chunk[65536];
  memset(chunk, 'z', sizeof chunk);
  size_t total = 0;
  int partial = 0;
  for (;;) {
    ssize_t n = send(fd, chunk, sizeof chunk, 0);
    if (n < 0) {
      CHECK(errno == EAGAIN);
      break;
    }
    if ((size_t)n < sizeof chunk) partial = 1;
    total += (size_t)n;
    CHECK(total < (512u << 20));  // a non-blocking send must stop somewhere
  }
  say("full after %zu partial=%d", total, partial);
  // Blocking with a send timeout: at most ~200 ms, then what was sent.
  CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0);
  struct timeval tv = {.tv_sec = 0, .tv_usec = 200 * 1000};
  CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0);
  double t0 = now_ms();
  ssize_t n = send(fd, chunk, sizeof chunk, 0);
  double waited = now_ms() - t0;
  CHECK(n > 0 || errno == EAGAIN);
  if (n > 0) total += (size_t)n;
  say("timed send waited_ms %.0f", waited);
  say("sent %zu", total);
  // The peer now drains; a plain blocking send (no timeout) then
  // completes in full.
  tv.tv_usec = 0;
  CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0);
  CHECK(send(fd, chunk, sizeof chunk, 0) == (ssize_t)sizeof chunk);
  total += sizeof chunk;
  say("final %zu", total);
  close(fd);
  say("ok");
}

// ------------------------------------------------------------- unix

// Stream and datagram unix sockets inside the guest, under DIR (a
// preopened guest path): an accepted peer is unnamed (the family alone),
// a datagram names its sender's path, short buffers truncate.
static void unix_sockets(char** argv) {
  struct sockaddr_un s = {.sun_family = AF_UNIX}, d1 = s, d2 = s;
  snprintf(s.sun_path, sizeof s.sun_path, "%s/stream.sock", argv[0]);
  snprintf(d1.sun_path, sizeof d1.sun_path, "%s/d1.sock", argv[0]);
  snprintf(d2.sun_path, sizeof d2.sun_path, "%s/d2.sock", argv[0]);

  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(l >= 0 && bind(l, (struct sockaddr*)&s, sizeof s) == 0 && listen(l, 4) == 0);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(c >= 0 && connect(c, (struct sockaddr*)&s, sizeof s) == 0);
  struct sockaddr_un peer;
  socklen_t pl = sizeof peer;
  int a = accept(l, (struct sockaddr*)&peer, &pl);
  CHECK(a >= 0 && peer.sun_family == AF_UNIX && pl == sizeof(sa_family_t));
  struct sockaddr_un self;
  socklen_t sl = sizeof self;
  CHECK(getsockname(l, (struct sockaddr*)&self, &sl) == 0 && strcmp(self.sun_path, s.sun_path) == 0);
  CHECK(sl == offsetof(struct sockaddr_un, sun_path) + strlen(s.sun_path) + 1);
  // A short buffer gets the first bytes and the full length.
  char small[4];
  socklen_t smalll = sizeof small;
  CHECK(getsockname(l, (struct sockaddr*)small, &smalll) == 0 && smalll == sl);
  CHECK(send(c, "unix!", 5, 0) == 5);
  char buf[16];
  CHECK(recv(a, buf, sizeof buf, MSG_WAITALL | MSG_PEEK) >= 1);
  CHECK(recv(a, buf, 5, MSG_WAITALL) == 5 && memcmp(buf, "unix!", 5) == 0);
  close(a);
  close(c);
  close(l);

  int x = socket(AF_UNIX, SOCK_DGRAM, 0), y = socket(AF_UNIX, SOCK_DGRAM, 0);
  CHECK(x >= 0 && y >= 0);
  CHECK(bind(x, (struct sockaddr*)&d1, sizeof d1) == 0 && bind(y, (struct sockaddr*)&d2, sizeof d2) == 0);
  CHECK(sendto(x, "dgram", 5, 0, (struct sockaddr*)&d2, sizeof d2) == 5);
  struct sockaddr_un from;
  socklen_t fl = sizeof from;
  CHECK(recvfrom(y, buf, sizeof buf, 0, (struct sockaddr*)&from, &fl) == 5);
  CHECK(from.sun_family == AF_UNIX && strcmp(from.sun_path, d1.sun_path) == 0);
  say("unix source %s", from.sun_path);
  close(x);
  close(y);
  say("ok");
}

// ------------------------------------------------------------- connecttimeout

// SO_SNDTIMEO bounds a blocking connect: to a listener whose queue is
// full (SYNs go unanswered) it ends with EINPROGRESS after the timeout;
// a refused one still fails at once with ECONNREFUSED; a good one works.
static void connect_timeout(char** argv) {
  struct sockaddr_storage ss;
  socklen_t len = make_addr(&ss, argv[0], atoi(argv[1]));
  struct timeval tv = {.tv_sec = 0, .tv_usec = 300 * 1000};
  int fd = socket(ss.ss_family, SOCK_STREAM, 0);
  CHECK(fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0);
  double t0 = now_ms();
  EXPECT_ERRNO(EINPROGRESS, connect(fd, (struct sockaddr*)&ss, len));
  say("connect timeout waited_ms %.0f", now_ms() - t0);
  CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK));  // still blocking
  close(fd);

  len = make_addr(&ss, argv[0], atoi(argv[2]));
  fd = socket(ss.ss_family, SOCK_STREAM, 0);
  CHECK(fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0);
  EXPECT_ERRNO(ECONNREFUSED, connect(fd, (struct sockaddr*)&ss, len));
  close(fd);

  len = make_addr(&ss, argv[0], atoi(argv[3]));
  fd = socket(ss.ss_family, SOCK_STREAM, 0);
  CHECK(fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0);
  CHECK(connect(fd, (struct sockaddr*)&ss, len) == 0);
  send_all(fd, "timed connect\n");
  close(fd);
  say("ok");
}

// ------------------------------------------------------------- listenfd

static void listenfd(char** argv) {
  int l = atoi(argv[0]);
  FILE* f = fopen(argv[1], "r");
  CHECK(f != NULL);
  char text[128] = {0};
  CHECK(fgets(text, sizeof text, f) != NULL);
  fclose(f);
  int type = 0;
  socklen_t tl = sizeof type;
  CHECK(getsockopt(l, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM);
  say("ready");
  // The listener arrives non-blocking: wait for the client in poll().
  struct pollfd p = {.fd = l, .events = POLLIN};
  CHECK(poll(&p, 1, 20000) == 1);
  struct sockaddr_storage peer;
  socklen_t pl = sizeof peer;
  int c = accept(l, (struct sockaddr*)&peer, &pl);
  CHECK(c >= 0);
  CHECK(peer.ss_family == AF_INET && pl == sizeof(struct sockaddr_in));
  send_all(c, text);
  close(c);
  say("ok");
}

int main(int argc, char** argv) {
  if (argc < 2) fail("usage: csdk_net MODE ARGS...");
  const char* mode = argv[1];
  char** a = argv + 2;
  int n = argc - 2;
  if (strcmp(mode, "families") == 0 && n == 5) families(a);
  else if (strcmp(mode, "refused") == 0 && n == 2) refused(a);
  else if (strcmp(mode, "eagain") == 0 && n == 2) eagain(a);
  else if (strcmp(mode, "badf") == 0 && n == 0) badf();
  else if (strcmp(mode, "pollmix") == 0 && n == 3) pollmix(a);
  else if (strcmp(mode, "listenfd") == 0 && n == 2) listenfd(a);
  else if (strcmp(mode, "dgram") == 0 && n == 1) dgram(a);
  else if (strcmp(mode, "sendbuf") == 0 && n == 2) sendbuf(a);
  else if (strcmp(mode, "unix") == 0 && n == 1) unix_sockets(a);
  else if (strcmp(mode, "connecttimeout") == 0 && n == 4) connect_timeout(a);
  else fail("unknown mode or arguments: %s", mode);
  return 0;
}
