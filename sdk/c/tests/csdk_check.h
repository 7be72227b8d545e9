// What the C SDK's test guests share: failing with a line on stderr
// ("NAME: ..."; define GUEST_NAME before including), the protocol lines on
// stdout, checks, and a few socket helpers.
#ifndef WASINET_CSDK_CHECK_H
#define WASINET_CSDK_CHECK_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static inline void fail(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  fprintf(stderr, "%s: ", GUEST_NAME);
  vfprintf(stderr, format, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

static inline void say(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  vprintf(format, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
}

#define CHECK(cond) \
  do {              \
    if (!(cond)) fail("line %d: %s (errno %d %s)", __LINE__, #cond, errno, strerror(errno)); \
  } while (0)

// The call fails with errno `want`.
#define EXPECT_ERRNO(want, call)                                                       \
  do {                                                                                 \
    errno = 0;                                                                         \
    long r_ = (long)(call);                                                            \
    if (r_ != -1 || errno != (want))                                                   \
      fail("line %d: %s = %ld errno %d (%s), want errno %d (%s)", __LINE__, #call, r_, \
           errno, strerror(errno), want, strerror(want));                             \
  } while (0)

static inline double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// A sockaddr for a numeric IP and port.
static inline socklen_t make_addr(struct sockaddr_storage* ss, const char* ip, int port) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in* in = (struct sockaddr_in*)ss;
  struct sockaddr_in6* in6 = (struct sockaddr_in6*)ss;
  if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    return sizeof *in;
  }
  if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    return sizeof *in6;
  }
  fail("bad ip %s", ip);
  return 0;
}

static inline int dial(const char* ip, int port, int type_flags) {
  struct sockaddr_storage ss;
  socklen_t len = make_addr(&ss, ip, port);
  int fd = socket(ss.ss_family, SOCK_STREAM | type_flags, 0);
  CHECK(fd >= 0);
  CHECK(connect(fd, (struct sockaddr*)&ss, len) == 0);
  return fd;
}

static inline void send_all(int fd, const char* s) {
  size_t n = strlen(s);
  CHECK(send(fd, s, n, 0) == (ssize_t)n);
}

#endif
