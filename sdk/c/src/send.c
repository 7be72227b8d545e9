// send, sendto, sendmsg. No flags and no address: preview1's sock_send,
// which follows the fd's mode exactly (a non-blocking fd sends what fits,
// a blocking one every byte). wasinet_v0's sock_send_to is used for
// datagram destinations and for MSG_DONTWAIT; on a stream it would send
// every byte even on a non-blocking fd (the Go library's "full writes"),
// so the SDK passes MSG_DONTWAIT for a non-blocking stream fd.
//
// SO_SNDTIMEO on a blocking fd: the SDK waits for room in poll_oneoff
// for at most the timeout and sends without blocking, as often as the
// time allows; a timeout after some bytes returns the partial count, as
// Linux does.
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

enum { kStackIovs = 8 };

static size_t total_of(const struct iovec* iov, int n) {
  size_t t = 0;
  for (int i = 0; i < n; ++i) t += iov[i].iov_len;
  return t;
}

// One wasinet_v0 send of iov from byte `skip` on.
static int32_t send_v0(int fd, const struct iovec* iov, int iovcnt, size_t skip,
                       const wasinet_raw_addr* to, int32_t host_flags, uint32_t* sent) {
  wasinet_iovec stack[kStackIovs];
  wasinet_iovec* v;
  int n16 = wasinet_iov_convert(iov, iovcnt, skip, stack, kStackIovs, &v);
  if (n16 < 0) return errno == ENOMEM ? __WASI_ERRNO_NOMEM : __WASI_ERRNO_MSGSIZE;
  int32_t e = wasinet_sock_send_to(fd, v, (uint32_t)n16, NULL, 0, to, to ? sizeof *to : 0,
                                   host_flags, sent);
  wasinet_iov_free(v, stack);
  return e;
}

// A blocking fd with a send timeout: wait for room, send without
// blocking, until everything is sent or the time is up.
static ssize_t send_with_timeout(int fd, const struct iovec* iov, int iovcnt,
                                 const wasinet_raw_addr* to, bool stream, int64_t timeout_ns) {
  const size_t total = total_of(iov, iovcnt);
  const int64_t deadline = wasinet_now_ns() + timeout_ns;
  size_t done = 0;
  for (;;) {
    int64_t left = deadline - wasinet_now_ns();
    int32_t e = wasinet_wait(fd, true, left > 0 ? left : 0);
    if (e == 0) {
      uint32_t n = 0;
      e = send_v0(fd, iov, iovcnt, done, to, WASINET_MSG_DONTWAIT, &n);
      if (e == 0) {
        done += n;
        if (!stream || done >= total) return (ssize_t)done;
        continue;
      }
    }
    if (e != __WASI_ERRNO_AGAIN || wasinet_now_ns() >= deadline)
      return done > 0 ? (ssize_t)done : wasinet_fail(e);
  }
}

static ssize_t send_common(int fd, const struct iovec* iov, int iovcnt, int flags,
                           const struct sockaddr* to, socklen_t tolen) {
  if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL)) return wasinet_fail_with(EOPNOTSUPP);
  if (iovcnt < 0 || iovcnt > IOV_MAX) return wasinet_fail_with(EMSGSIZE);
  if (iovcnt > 0 && iov == NULL) return wasinet_fail_with(EFAULT);
  const wasinet_fd_state* st = wasinet_state_of(fd);
  const bool timed = st != NULL && st->send_timeout_ns > 0;
  const bool has_to = to != NULL && tolen > 0;

  // The plain case, one host call: the fd's own mode decides.
  if (!has_to && !timed && !(flags & MSG_DONTWAIT)) {
    __wasi_size_t n = 0;
    int32_t e = __wasi_sock_send(fd, (const __wasi_ciovec_t*)iov, (size_t)iovcnt, 0, &n);
    return e ? wasinet_fail(e) : (ssize_t)n;
  }

  uint8_t filetype = 0;
  bool blocking = false;
  int32_t e = wasinet_fd_mode(fd, &filetype, &blocking);
  if (e != 0) return wasinet_fail(e);
  const bool stream = filetype == __WASI_FILETYPE_SOCKET_STREAM;
  wasinet_raw_addr raw;
  const wasinet_raw_addr* dest = NULL;
  // A stream ignores the destination, as Linux does on a connected socket.
  if (has_to && !stream) {
    int err = wasinet_sockaddr_to_raw(to, tolen, &raw);
    if (err != 0) return wasinet_fail_with(err);
    dest = &raw;
  }
  if (timed && blocking && !(flags & MSG_DONTWAIT))
    return send_with_timeout(fd, iov, iovcnt, dest, stream, st->send_timeout_ns);
  int32_t hf = (flags & MSG_DONTWAIT) || (stream && !blocking) ? WASINET_MSG_DONTWAIT : 0;
  uint32_t n = 0;
  e = send_v0(fd, iov, iovcnt, 0, dest, hf, &n);
  return e ? wasinet_fail(e) : (ssize_t)n;
}

ssize_t send(int fd, const void* buf, size_t len, int flags) {
  struct iovec iov = {(void*)buf, len};
  return send_common(fd, &iov, 1, flags, NULL, 0);
}

ssize_t sendto(int fd, const void* buf, size_t len, int flags, const struct sockaddr* addr,
               socklen_t addrlen) {
  struct iovec iov = {(void*)buf, len};
  return send_common(fd, &iov, 1, flags, addr, addrlen);
}

ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
  if (msg == NULL) return wasinet_fail_with(EFAULT);
  // No control data crosses wasinet_v0: refuse it rather than drop it.
  if (msg->msg_controllen > 0) return wasinet_fail_with(EOPNOTSUPP);
  return send_common(fd, msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name, msg->msg_namelen);
}
