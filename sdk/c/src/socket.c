// socket, bind, connect, listen, accept, accept4, shutdown, getsockname,
// getpeername over wasinet_v0. accept, accept4 and shutdown replace
// wasi-libc's (over preview1), which cannot report the peer's address.
//
// Blocking: the host keeps each socket's guest-visible NONBLOCK flag
// (fd_fdstat_get / fd_fdstat_set_flags, which wasi-libc's fcntl uses) and
// waits in the kernel when it is clear. wasinet_v0 hands out NONBLOCK
// sockets; a socket the program asked for without SOCK_NONBLOCK gets the
// flag cleared once, here. So read(), write(), fcntl() and fdopen() on a
// socket agree with send() and recv() with no bookkeeping in the SDK.
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "internal.h"

static int host_type(int base_type) {
  switch (base_type) {
    case SOCK_STREAM: return WASINET_SOCK_STREAM;
    case SOCK_DGRAM: return WASINET_SOCK_DGRAM;
    default: return -1;
  }
}

// The host's protocol number, or -1 when the pair makes no sense.
static int host_protocol(int domain, int base_type, int protocol) {
  if (protocol == 0) return 0;
  if (domain == AF_UNIX) return -1;
  if (base_type == SOCK_STREAM && protocol == IPPROTO_TCP) return IPPROTO_TCP;
  if (base_type == SOCK_DGRAM && protocol == IPPROTO_UDP) return IPPROTO_UDP;
  return -1;
}

// A fresh socket fd from the host (NONBLOCK) in the mode the program
// asked for.
static int hand_out(uint32_t fd, bool nonblocking) {
  wasinet_state_reset((int)fd);
  if (!nonblocking) {
    __wasi_errno_t e = __wasi_fd_fdstat_set_flags(fd, 0);
    if (e != 0) {
      (void)__wasi_fd_close(fd);
      return wasinet_fail(e);
    }
  }
  return (int)fd;
}

int socket(int domain, int type, int protocol) {
  int af = wasinet_host_family(domain);
  if (af < 0) return wasinet_fail_with(EAFNOSUPPORT);
  int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);  // no exec in WASI: CLOEXEC is moot
  int ht = host_type(base);
  if (ht < 0) return wasinet_fail_with(EPROTOTYPE);
  int proto = host_protocol(domain, base, protocol);
  if (proto < 0) return wasinet_fail_with(EPROTONOSUPPORT);
  uint32_t fd;
  int32_t e = wasinet_sock_open(af, ht, proto, &fd);
  if (e != 0) return wasinet_fail(e);
  return hand_out(fd, (type & SOCK_NONBLOCK) != 0);
}

int bind(int fd, const struct sockaddr* addr, socklen_t addrlen) {
  wasinet_raw_addr raw;
  int err = wasinet_sockaddr_to_raw(addr, addrlen, &raw);
  if (err != 0) return wasinet_fail_with(err);
  int32_t e = wasinet_sock_bind(fd, &raw, sizeof raw);
  return e ? wasinet_fail(e) : 0;
}

// A blocking connect bounded by SO_SNDTIMEO, as Linux bounds it: started
// non-blocking, awaited in poll_oneoff; at the time limit EINPROGRESS (the
// attempt goes on, as on Linux).
static int connect_with_timeout(int fd, const wasinet_raw_addr* raw, int64_t timeout_ns) {
  __wasi_errno_t e = __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK);
  if (e != 0) return wasinet_fail(e);
  int32_t ce = wasinet_sock_connect(fd, raw, sizeof *raw);
  e = __wasi_fd_fdstat_set_flags(fd, 0);
  if (ce == 0 || ce != __WASI_ERRNO_INPROGRESS) return ce ? wasinet_fail(ce) : e ? wasinet_fail(e) : 0;
  if (e != 0) return wasinet_fail(e);
  int32_t w = wasinet_wait(fd, true, timeout_ns);
  if (w == __WASI_ERRNO_AGAIN) return wasinet_fail(__WASI_ERRNO_INPROGRESS);
  if (w != 0) return wasinet_fail(w);
  // The host reports a failed connect as SO_ERROR's errno (and value).
  uint32_t v = 0;
  int32_t se = wasinet_sock_getsockopt(fd, WASINET_SOL_SOCKET, WASINET_SO_ERROR, &v, sizeof v);
  return se ? wasinet_fail(se) : 0;
}

// On a blocking fd the host waits for the outcome; on a non-blocking one
// it answers EINPROGRESS and the outcome is writability, then SO_ERROR.
int connect(int fd, const struct sockaddr* addr, socklen_t addrlen) {
  wasinet_raw_addr raw;
  int err = wasinet_sockaddr_to_raw(addr, addrlen, &raw);
  if (err != 0) return wasinet_fail_with(err);
  const wasinet_fd_state* st = wasinet_state_of(fd);
  if (st && st->send_timeout_ns > 0) {
    bool blocking = false;
    int32_t e = wasinet_fd_mode(fd, NULL, &blocking);
    if (e != 0) return wasinet_fail(e);
    if (blocking) return connect_with_timeout(fd, &raw, st->send_timeout_ns);
  }
  int32_t e = wasinet_sock_connect(fd, &raw, sizeof raw);
  return e ? wasinet_fail(e) : 0;
}

int listen(int fd, int backlog) {
  int32_t e = wasinet_sock_listen(fd, backlog < 0 ? 0 : backlog);
  return e ? wasinet_fail(e) : 0;
}

int accept4(int fd, struct sockaddr* __restrict addr, socklen_t* __restrict addrlen, int flags) {
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return wasinet_fail_with(EINVAL);
  if (addr != NULL && addrlen == NULL) return wasinet_fail_with(EFAULT);
  const wasinet_fd_state* st = wasinet_state_of(fd);
  if (st && st->recv_timeout_ns > 0) {
    // Linux bounds a blocking accept by SO_RCVTIMEO.
    bool blocking = false;
    int32_t e = wasinet_fd_mode(fd, NULL, &blocking);
    if (e != 0) return wasinet_fail(e);
    if (blocking) {
      e = wasinet_wait(fd, false, st->recv_timeout_ns);
      if (e != 0) return wasinet_fail(e);
    }
  }
  wasinet_raw_addr peer;
  wasinet_raw_clear(&peer);
  uint32_t nfd;
  int32_t e = wasinet_sock_accept(fd, &nfd, &peer, sizeof peer);
  if (e != 0) return wasinet_fail(e);
  int out = hand_out(nfd, (flags & SOCK_NONBLOCK) != 0);
  if (out >= 0 && addr != NULL) wasinet_sockaddr_from_raw(&peer, addr, addrlen);
  return out;
}

int accept(int fd, struct sockaddr* __restrict addr, socklen_t* __restrict addrlen) {
  return accept4(fd, addr, addrlen, 0);
}

int shutdown(int fd, int how) {
  // wasi-libc's SHUT_* are preview1's sdflags (RD 1, WR 2, both 3), which
  // are also wasinet_v0's numbers.
  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) return wasinet_fail_with(EINVAL);
  int32_t e = wasinet_sock_shutdown(fd, how);
  return e ? wasinet_fail(e) : 0;
}

static int name_of(int fd, struct sockaddr* addr, socklen_t* addrlen, bool peer) {
  if (addr == NULL || addrlen == NULL) return wasinet_fail_with(EFAULT);
  wasinet_raw_addr raw;
  wasinet_raw_clear(&raw);
  int32_t e = peer ? wasinet_sock_getpeeraddr(fd, &raw, sizeof raw)
                   : wasinet_sock_getlocaladdr(fd, &raw, sizeof raw);
  if (e != 0) return wasinet_fail(e);
  wasinet_sockaddr_from_raw(&raw, addr, addrlen);
  return 0;
}

int getsockname(int fd, struct sockaddr* __restrict addr, socklen_t* __restrict addrlen) {
  return name_of(fd, addr, addrlen, false);
}

int getpeername(int fd, struct sockaddr* __restrict addr, socklen_t* __restrict addrlen) {
  return name_of(fd, addr, addrlen, true);
}
