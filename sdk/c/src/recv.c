// recv, recvfrom, recvmsg. recv() without an address uses preview1's
// sock_recv (native iovecs, follows the fd's mode); a receive that wants
// the source uses wasinet_v0's sock_recv_from. Control data is never
// returned (msg_controllen 0).
//
// The host decides blocking by the fd's flag; two things it cannot know
// are done here, waiting in poll_oneoff first: MSG_DONTWAIT (the host has
// no per-call override for receives) and SO_RCVTIMEO (per call, see
// fd_state.c). Both cost a host call only when used.
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

enum { kStackIovs = 8 };

static int check_flags(int flags) {
  if (flags & ~(MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT | MSG_NOSIGNAL)) return EINVAL;
  return 0;
}

// Waits, when the call must not (or not for long) block in the host.
// Returns 0 to go on, else a host errno (EAGAIN: not ready in time).
static int32_t before_receive(int fd, int flags) {
  if (flags & MSG_DONTWAIT) return wasinet_wait(fd, false, 0);
  const wasinet_fd_state* st = wasinet_state_of(fd);
  if (st == NULL || st->recv_timeout_ns <= 0) return 0;
  bool blocking = false;
  int32_t e = wasinet_fd_mode(fd, NULL, &blocking);
  if (e != 0 || !blocking) return e;
  return wasinet_wait(fd, false, st->recv_timeout_ns);
}

static ssize_t receive(int fd, const struct iovec* iov, int iovcnt, int flags,
                       struct sockaddr* from, socklen_t* fromlen, int* msg_flags) {
  int err = check_flags(flags);
  if (err != 0) return wasinet_fail_with(err);
  if (iovcnt < 0 || iovcnt > IOV_MAX) return wasinet_fail_with(EMSGSIZE);
  int32_t e = before_receive(fd, flags);
  if (e != 0) return wasinet_fail(e);

  if (from == NULL) {
    __wasi_riflags_t ri = 0;
    if (flags & MSG_PEEK) ri |= __WASI_RIFLAGS_RECV_PEEK;
    if (flags & MSG_WAITALL) ri |= __WASI_RIFLAGS_RECV_WAITALL;
    __wasi_size_t n = 0;
    __wasi_roflags_t ro = 0;
    e = __wasi_sock_recv(fd, (const __wasi_iovec_t*)iov, (size_t)iovcnt, ri, &n, &ro);
    if (e != 0) return wasinet_fail(e);
    if (msg_flags) *msg_flags = (ro & __WASI_ROFLAGS_RECV_DATA_TRUNCATED) ? MSG_TRUNC : 0;
    return (ssize_t)n;
  }

  wasinet_iovec stack[kStackIovs];
  wasinet_iovec* v;
  int n16 = wasinet_iov_convert(iov, iovcnt, 0, stack, kStackIovs, &v);
  if (n16 < 0) return -1;
  int32_t hf = 0;
  if (flags & MSG_PEEK) hf |= WASINET_MSG_PEEK;
  if (flags & MSG_WAITALL) hf |= WASINET_MSG_WAITALL;
  wasinet_raw_addr raw;
  wasinet_raw_clear(&raw);
  uint32_t nread = 0, oflags = 0;
  e = wasinet_sock_recv_from(fd, v, (uint32_t)n16, NULL, 0, &raw, sizeof raw, hf, &nread, &oflags);
  wasinet_iov_free(v, stack);
  if (e != 0) return wasinet_fail(e);
  // A stream receive names no source: the family stays 0, *fromlen 0.
  wasinet_sockaddr_from_raw(&raw, from, fromlen);
  if (msg_flags) *msg_flags = (oflags & WASINET_MSG_TRUNC) ? MSG_TRUNC : 0;
  return (ssize_t)nread;
}

ssize_t recv(int fd, void* buf, size_t len, int flags) {
  struct iovec iov = {buf, len};
  return receive(fd, &iov, 1, flags, NULL, NULL, NULL);
}

ssize_t recvfrom(int fd, void* __restrict buf, size_t len, int flags,
                 struct sockaddr* __restrict addr, socklen_t* __restrict addrlen) {
  struct iovec iov = {buf, len};
  if (addr != NULL && addrlen == NULL) return wasinet_fail_with(EFAULT);
  return receive(fd, &iov, 1, flags, addr, addrlen, NULL);
}

ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  if (msg == NULL) return wasinet_fail_with(EFAULT);
  if (msg->msg_iovlen > 0 && msg->msg_iov == NULL) return wasinet_fail_with(EFAULT);
  int out_flags = 0;
  ssize_t n = receive(fd, msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name,
                      msg->msg_name ? &msg->msg_namelen : NULL, &out_flags);
  if (n < 0) return n;
  msg->msg_controllen = 0;
  msg->msg_flags = out_flags;
  return n;
}
