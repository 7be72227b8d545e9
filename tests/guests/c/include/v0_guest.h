/* What the wasinet_v0 test guests (v0_net.c, v0_preview1.c) share: failing
 * with one line on stderr ("NAME: ...": define GUEST_NAME before including),
 * the protocol lines on stdout, errno checks of raw ABI calls, and loopback
 * addresses in wasinet_v0's layout. */
#ifndef WASINET_TEST_V0_GUEST_H
#define WASINET_TEST_V0_GUEST_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasinet_v0.h"

static inline void fail(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  fprintf(stderr, "%s: ", GUEST_NAME);
  vfprintf(stderr, format, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

/* The call (returning a WASI errno) answers `want`. */
#define EXPECT_ERRNO(want, call)                                                       \
  do {                                                                                 \
    int32_t e_ = (call);                                                               \
    if (e_ != (want)) fail("line %d: %s: errno %d, want %d", __LINE__, #call, e_, want); \
  } while (0)
#define OK(call) EXPECT_ERRNO(0, call)

static inline void say(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  vprintf(format, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
}

static inline int is_ipv6(const char* ip) { return strchr(ip, ':') != NULL; }

/* A numeric IPv4 or IPv6 address and a port, as wasinet_v0 takes them. */
static inline void make_addr(wasinet_raw_addr* a, const char* ip, uint32_t port) {
  uint8_t b[16];
  if (inet_pton(is_ipv6(ip) ? AF_INET6 : AF_INET, ip, b) != 1) fail("bad ip %s", ip);
  if (is_ipv6(ip))
    wasinet_addr_inet6(a, b, port, 0);
  else
    wasinet_addr_inet(a, b, port);
}

#endif
