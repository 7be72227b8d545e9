// getsockopt and setsockopt: a table of the (level, name) pairs the SDK
// knows, each translated to the host's numbers. Nothing else reaches the
// host: its numbers overlap wasi-libc's in dangerous ways (the host reads
// level 0 as SOL_SOCKET, so IPPROTO_IP/IP_TTL would arrive as
// SO_REUSEADDR). getsockopt replaces wasi-libc's, which knows only SO_TYPE.
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "internal.h"

typedef enum { kInt, kLinger, kTimeout, kType, kDomain, kError } OptionKind;

typedef struct {
  int level, name;          // the program's numbers
  uint32_t host_level, host_name;
  OptionKind kind;
} Option;

static const Option kOptions[] = {
    {SOL_SOCKET, SO_REUSEADDR, WASINET_SOL_SOCKET, WASINET_SO_REUSEADDR, kInt},
    {SOL_SOCKET, SO_BROADCAST, WASINET_SOL_SOCKET, WASINET_SO_BROADCAST, kInt},
    {SOL_SOCKET, SO_SNDBUF, WASINET_SOL_SOCKET, WASINET_SO_SNDBUF, kInt},
    {SOL_SOCKET, SO_RCVBUF, WASINET_SOL_SOCKET, WASINET_SO_RCVBUF, kInt},
    {SOL_SOCKET, SO_KEEPALIVE, WASINET_SOL_SOCKET, WASINET_SO_KEEPALIVE, kInt},
    {SOL_SOCKET, SO_LINGER, WASINET_SOL_SOCKET, WASINET_SO_LINGER, kLinger},
    {SOL_SOCKET, SO_ERROR, WASINET_SOL_SOCKET, WASINET_SO_ERROR, kError},
    {SOL_SOCKET, SO_RCVTIMEO, 0, 0, kTimeout},
    {SOL_SOCKET, SO_SNDTIMEO, 0, 0, kTimeout},
    {SOL_SOCKET, SO_TYPE, 0, 0, kType},
    {SOL_SOCKET, SO_DOMAIN, 0, 0, kDomain},
    {IPPROTO_TCP, TCP_NODELAY, WASINET_IPPROTO_TCP, WASINET_TCP_NODELAY, kInt},
    {IPPROTO_IPV6, IPV6_V6ONLY, WASINET_IPPROTO_IPV6, WASINET_IPV6_V6ONLY, kInt},
};

static const Option* find_option(int level, int name) {
  for (size_t i = 0; i < sizeof kOptions / sizeof kOptions[0]; ++i)
    if (kOptions[i].level == level && kOptions[i].name == name) return &kOptions[i];
  return NULL;
}

// Checks fd is a socket (the SDK-side options have no host call to do it).
static int32_t socket_check(int fd, uint8_t* filetype) {
  int32_t e = wasinet_fd_mode(fd, filetype, NULL);
  if (e != 0) return e;
  if (*filetype != __WASI_FILETYPE_SOCKET_STREAM && *filetype != __WASI_FILETYPE_SOCKET_DGRAM)
    return __WASI_ERRNO_NOTSOCK;
  return 0;
}

static int put_int(void* value, socklen_t* len, int v) {
  if (*len < (socklen_t)sizeof v) return wasinet_fail_with(EINVAL);
  memcpy(value, &v, sizeof v);
  *len = sizeof v;
  return 0;
}

int getsockopt(int fd, int level, int name, void* __restrict value, socklen_t* __restrict len) {
  const Option* opt = find_option(level, name);
  if (opt == NULL) return wasinet_fail_with(ENOPROTOOPT);
  if (value == NULL || len == NULL) return wasinet_fail_with(EFAULT);
  uint8_t filetype = 0;
  int32_t e = 0;
  switch (opt->kind) {
    case kInt:
    case kLinger: {
      int32_t v = 0;
      e = wasinet_sock_getsockopt(fd, opt->host_level, opt->host_name, &v, sizeof v);
      if (e != 0) return wasinet_fail(e);
      if (opt->kind == kInt) return put_int(value, len, v);
      // The host's linger is one int, -1 for off.
      struct linger l = {v >= 0, v >= 0 ? v : 0};
      if (*len < (socklen_t)sizeof l) return wasinet_fail_with(EINVAL);
      memcpy(value, &l, sizeof l);
      *len = sizeof l;
      return 0;
    }
    case kError: {
      // The host returns the pending error both as the value and as the
      // call's errno (the Go library looks only at the errno): a pending
      // error is a successful getsockopt here.
      uint32_t v = UINT32_MAX;
      e = wasinet_sock_getsockopt(fd, opt->host_level, opt->host_name, &v, sizeof v);
      if (e != 0 && v != (uint32_t)e) return wasinet_fail(e);
      return put_int(value, len, e != 0 ? wasinet_errno_of(e) : (int)v);
    }
    case kTimeout: {
      if ((e = socket_check(fd, &filetype)) != 0) return wasinet_fail(e);
      const wasinet_fd_state* st = wasinet_state_of(fd);
      int64_t ns = st == NULL ? 0 : name == SO_RCVTIMEO ? st->recv_timeout_ns : st->send_timeout_ns;
      struct timeval tv = {(time_t)(ns / 1000000000), (suseconds_t)(ns % 1000000000 / 1000)};
      if (*len < (socklen_t)sizeof tv) return wasinet_fail_with(EINVAL);
      memcpy(value, &tv, sizeof tv);
      *len = sizeof tv;
      return 0;
    }
    case kType:
      // wasi-libc's SOCK_STREAM and SOCK_DGRAM are preview1's filetypes.
      if ((e = socket_check(fd, &filetype)) != 0) return wasinet_fail(e);
      return put_int(value, len, filetype);
    case kDomain: {
      wasinet_raw_addr raw;
      wasinet_raw_clear(&raw);
      e = wasinet_sock_getlocaladdr(fd, &raw, sizeof raw);
      if (e != 0) return wasinet_fail(e);
      return put_int(value, len, wasinet_guest_family(raw.family));
    }
  }
  return wasinet_fail_with(ENOPROTOOPT);
}

int setsockopt(int fd, int level, int name, const void* value, socklen_t len) {
  const Option* opt = find_option(level, name);
  if (opt == NULL) return wasinet_fail_with(ENOPROTOOPT);
  if (value == NULL) return wasinet_fail_with(EFAULT);
  int32_t e = 0;
  uint8_t filetype = 0;
  switch (opt->kind) {
    case kInt: {
      int v;
      if (len < (socklen_t)sizeof v) return wasinet_fail_with(EINVAL);
      memcpy(&v, value, sizeof v);
      e = wasinet_sock_setsockopt(fd, opt->host_level, opt->host_name, &v, sizeof v);
      return e ? wasinet_fail(e) : 0;
    }
    case kLinger: {
      struct linger l;
      if (len < (socklen_t)sizeof l) return wasinet_fail_with(EINVAL);
      memcpy(&l, value, sizeof l);
      if (l.l_onoff && l.l_linger < 0) return wasinet_fail_with(EINVAL);
      int32_t v = l.l_onoff ? l.l_linger : -1;
      e = wasinet_sock_setsockopt(fd, opt->host_level, opt->host_name, &v, sizeof v);
      return e ? wasinet_fail(e) : 0;
    }
    case kTimeout: {
      struct timeval tv;
      if (len < (socklen_t)sizeof tv) return wasinet_fail_with(EINVAL);
      memcpy(&tv, value, sizeof tv);
      if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000) return wasinet_fail_with(EDOM);
      if ((e = socket_check(fd, &filetype)) != 0) return wasinet_fail(e);
      // Capped at about 292 years, the range of the ns counter.
      int64_t ns = tv.tv_sec > INT64_MAX / 1000000000 - 1
                       ? INT64_MAX
                       : (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
      wasinet_fd_state* st = wasinet_state_for_update(fd);
      if (st == NULL) return -1;
      if (name == SO_RCVTIMEO)
        st->recv_timeout_ns = ns;
      else
        st->send_timeout_ns = ns;
      return 0;
    }
    case kType:
    case kDomain:
    case kError:
      return wasinet_fail_with(ENOPROTOOPT);  // read-only
  }
  return wasinet_fail_with(ENOPROTOOPT);
}
