/* The raw wasinet_v0 host module (the socket ABI under the BSD socket
 * calls of <sys/socket.h>): its imports, the RawSocketAddress layout, and
 * the host (Linux) numbers it uses. Programs normally need none of this;
 * it is here for the SDK itself and for tests of the ABI.
 * docs/wasinet_v0.md describes the host's behaviour. Every function but
 * wasinet_sock_determine_host_af_family returns a WASI errno (0 = success).
 */
#ifndef WASINET_V0_H
#define WASINET_V0_H

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#define WASINET_V0_STATIC_ASSERT static_assert
#else
#define WASINET_V0_STATIC_ASSERT _Static_assert
#endif

#define WASINET_V0_IMPORT(name) __attribute__((import_module("wasinet_v0"), import_name(name)))

/* Host (Linux) numbers. (wasinet_sock_determine_host_af_family takes the
 * Go library's family numbers, 1 unix, 2 inet, 3 inet6, which are NOT
 * wasi-libc's: the SDK never calls it.) */
#define WASINET_AF_UNIX 1
#define WASINET_AF_INET 2
#define WASINET_AF_INET6 10
#define WASINET_SOCK_STREAM 1
#define WASINET_SOCK_DGRAM 2

#define WASINET_SOL_SOCKET 1
#define WASINET_SO_REUSEADDR 2
#define WASINET_SO_ERROR 4
#define WASINET_SO_BROADCAST 6
#define WASINET_SO_SNDBUF 7
#define WASINET_SO_RCVBUF 8
#define WASINET_SO_KEEPALIVE 9
#define WASINET_SO_LINGER 13
#define WASINET_SO_RCVTIMEO 20
#define WASINET_SO_SNDTIMEO 21
#define WASINET_IPPROTO_TCP 6
#define WASINET_TCP_NODELAY 1
#define WASINET_IPPROTO_IPV6 41
#define WASINET_IPV6_V6ONLY 26

#define WASINET_MSG_PEEK 0x2
#define WASINET_MSG_TRUNC 0x20
#define WASINET_MSG_DONTWAIT 0x40
#define WASINET_MSG_WAITALL 0x100
#define WASINET_MSG_NOSIGNAL 0x4000

#define WASINET_SHUT_RD 1
#define WASINET_SHUT_WR 2
#define WASINET_SHUT_RDWR 3

/* 130 bytes: {u16 family, u16 socktype} then a body that repeats them and
 * holds the family's fields (see the wasinet_v0_addr_* helpers). */
typedef struct {
  uint16_t family;
  uint16_t socktype;
  uint8_t body[126];
} wasinet_raw_addr;
WASINET_V0_STATIC_ASSERT(sizeof(wasinet_raw_addr) == 130, "RawSocketAddress is 130 bytes");

/* SO_RCVTIMEO / SO_SNDTIMEO: a duration from now; {0, 0} clears it,
 * negative seconds mean "already expired". */
typedef struct {
  int64_t sec;
  int64_t msec; /* milliseconds, 0..999 */
} wasinet_timeval;

/* An iovec of sock_recv_from / sock_send_to. Not preview1's 8 bytes: the
 * Go guest library that defined this ABI passes a Go struct {pointer,
 * uint32}, and Go's wasm pointers are 8 bytes, so each entry is 16:
 * {u64 buf, u32 len, u32 padding}. Fill with wasinet_iov(). */
typedef struct {
  uint64_t buf;
  uint32_t len;
  uint32_t pad;
} wasinet_iovec;
WASINET_V0_STATIC_ASSERT(sizeof(wasinet_iovec) == 16, "wasinet_v0 iovecs are 16 bytes");

static inline wasinet_iovec wasinet_iov(const void* buf, uint32_t len) {
  wasinet_iovec v = {(uint64_t)(uintptr_t)buf, len, 0};
  return v;
}

WASINET_V0_IMPORT("sock_determine_host_af_family")
int32_t wasinet_sock_determine_host_af_family(int32_t wasi_af);
WASINET_V0_IMPORT("sock_open")
int32_t wasinet_sock_open(int32_t af, int32_t socktype, int32_t proto, uint32_t* fd);
WASINET_V0_IMPORT("sock_bind")
int32_t wasinet_sock_bind(int32_t fd, const wasinet_raw_addr* addr, uint32_t addrlen);
WASINET_V0_IMPORT("sock_connect")
int32_t wasinet_sock_connect(int32_t fd, const wasinet_raw_addr* addr, uint32_t addrlen);
WASINET_V0_IMPORT("sock_listen")
int32_t wasinet_sock_listen(int32_t fd, int32_t backlog);
WASINET_V0_IMPORT("sock_accept")
int32_t wasinet_sock_accept(int32_t fd, uint32_t* nfd, wasinet_raw_addr* addr, uint32_t addrlen);
WASINET_V0_IMPORT("sock_getsockopt")
int32_t wasinet_sock_getsockopt(int32_t fd, uint32_t level, uint32_t name, void* val, uint32_t vallen);
WASINET_V0_IMPORT("sock_setsockopt")
int32_t wasinet_sock_setsockopt(int32_t fd, uint32_t level, uint32_t name, const void* val,
                                uint32_t vallen);
WASINET_V0_IMPORT("sock_getlocaladdr")
int32_t wasinet_sock_getlocaladdr(int32_t fd, wasinet_raw_addr* addr, uint32_t addrlen);
WASINET_V0_IMPORT("sock_getpeeraddr")
int32_t wasinet_sock_getpeeraddr(int32_t fd, wasinet_raw_addr* addr, uint32_t addrlen);
WASINET_V0_IMPORT("sock_recv_from")
int32_t wasinet_sock_recv_from(int32_t fd, const wasinet_iovec* iovs, uint32_t iovslen, void* oob,
                               uint32_t ooblen, wasinet_raw_addr* addr, uint32_t addrlen,
                               int32_t iflags, uint32_t* nread, uint32_t* oflags);
WASINET_V0_IMPORT("sock_send_to")
int32_t wasinet_sock_send_to(int32_t fd, const wasinet_iovec* iovs, uint32_t iovslen,
                             const void* oob, uint32_t ooblen, const wasinet_raw_addr* addr,
                             uint32_t addrlen, int32_t flags, uint32_t* nwritten);
WASINET_V0_IMPORT("sock_shutdown")
int32_t wasinet_sock_shutdown(int32_t fd, int32_t how);
WASINET_V0_IMPORT("sock_getaddrip")
int32_t wasinet_sock_getaddrip(const char* network, uint32_t networklen, const char* host,
                               uint32_t hostlen, uint8_t* out, uint32_t outmax, uint32_t* outlen);
WASINET_V0_IMPORT("sock_getaddrport")
int32_t wasinet_sock_getaddrport(const char* network, uint32_t networklen, const char* service,
                                 uint32_t servicelen, uint32_t* port);

/* ---- RawSocketAddress fields (absolute offsets: body starts at 4). */

static inline void wasinet_addr_head(wasinet_raw_addr* a, uint16_t family) {
  memset(a, 0, sizeof *a);
  a->family = family;
  memcpy(a->body, &family, 2); /* the body's own copy */
}

static inline void wasinet_addr_inet(wasinet_raw_addr* a, const uint8_t ip[4], uint32_t port) {
  wasinet_addr_head(a, WASINET_AF_INET);
  memcpy(a->body + 4, &port, 4);
  memcpy(a->body + 8, ip, 4);
}

static inline void wasinet_addr_inet6(wasinet_raw_addr* a, const uint8_t ip[16], uint32_t port,
                                      uint32_t zone) {
  wasinet_addr_head(a, WASINET_AF_INET6);
  memcpy(a->body + 4, &port, 4);
  memcpy(a->body + 8, ip, 16);
  memcpy(a->body + 24, &zone, 4);
}

/* Paths of up to 122 bytes. */
static inline void wasinet_addr_unix(wasinet_raw_addr* a, const char* path) {
  size_t n = strlen(path);
  wasinet_addr_head(a, WASINET_AF_UNIX);
  memcpy(a->body + 4, path, n < 122 ? n : 122);
}

static inline uint32_t wasinet_addr_port(const wasinet_raw_addr* a) {
  uint32_t port;
  memcpy(&port, a->body + 4, 4);
  return port;
}

/* inet: 4 bytes; inet6: 16 bytes. */
static inline const uint8_t* wasinet_addr_ip(const wasinet_raw_addr* a) { return a->body + 8; }

static inline uint32_t wasinet_addr_zone(const wasinet_raw_addr* a) {
  uint32_t zone;
  memcpy(&zone, a->body + 24, 4);
  return zone;
}

/* The unix path (NUL-terminated when shorter than 122 bytes). */
static inline const char* wasinet_addr_path(const wasinet_raw_addr* a) {
  return (const char*)(a->body + 4);
}

#ifdef __cplusplus
}
#endif

#endif
