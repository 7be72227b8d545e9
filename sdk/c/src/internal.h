/* What the SDK's files share: errno and constant translation at the
 * boundary, address conversion, per-fd state and waits. */
#ifndef WASINET_SDK_INTERNAL_H
#define WASINET_SDK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <wasi/api.h>
#include <wasinet/v0.h>

/* ---- errors (translate.c) */

/* The errno a host (WASI) errno stands for in a POSIX program. */
int wasinet_errno_of(int32_t host_errno);
/* Sets errno from a host errno and returns -1. */
int wasinet_fail(int32_t host_errno);
/* Sets errno to a guest errno and returns -1. */
int wasinet_fail_with(int guest_errno);

/* ---- constants (translate.c) */

/* Host family for a guest AF_*, or -1. */
int wasinet_host_family(int guest_af);
/* Guest AF_* for a host family, or AF_UNSPEC. */
int wasinet_guest_family(int host_af);

/* ---- addresses (address.c) */

/* Reads a guest sockaddr of addrlen bytes. Returns 0 or a guest errno. */
int wasinet_sockaddr_to_raw(const struct sockaddr* addr, socklen_t addrlen, wasinet_raw_addr* raw);
/* Writes raw as a guest sockaddr: at most *addrlen bytes, and sets
 * *addrlen to the full size (POSIX truncation rule). A raw family of 0
 * (nothing written by the host) gives *addrlen = 0. */
void wasinet_sockaddr_from_raw(const wasinet_raw_addr* raw, struct sockaddr* addr,
                               socklen_t* addrlen);
/* Fills raw so that wasinet_sockaddr_from_raw can tell the host left it
 * alone. */
void wasinet_raw_clear(wasinet_raw_addr* raw);

/* ---- per-fd state and waits (fd_state.c) */

typedef struct {
  int64_t recv_timeout_ns; /* SO_RCVTIMEO; 0 = none */
  int64_t send_timeout_ns; /* SO_SNDTIMEO; 0 = none */
} wasinet_fd_state;

/* The state of fd, or NULL when none was ever set (all defaults). */
const wasinet_fd_state* wasinet_state_of(int fd);
/* The state of fd to change; NULL with errno set when out of memory. */
wasinet_fd_state* wasinet_state_for_update(int fd);
/* Forgets fd's state: called for every socket the SDK hands out, so a
 * number reused after close() starts clean. */
void wasinet_state_reset(int fd);

/* The fd's filetype and whether the guest made it blocking. Returns 0 or
 * a host errno. */
int32_t wasinet_fd_mode(int fd, uint8_t* filetype, bool* blocking);

/* Waits in poll_oneoff until fd is readable (or writable), at most
 * timeout_ns (negative: no limit). Returns 0 when the fd is ready (or has
 * an error the next call will report), EAGAIN at the time limit, or a
 * host errno. */
int32_t wasinet_wait(int fd, bool write, int64_t timeout_ns);

/* Monotonic now, in ns. */
int64_t wasinet_now_ns(void);

/* ---- iovecs (io.c) */

/* The wasinet_v0 form of native iovecs (16-byte entries), skipping the
 * first `skip` bytes. *out is either `stack` (when n <= stack_n) or
 * malloc'd (free with wasinet_iov_free). Returns the entry count, or -1
 * with errno set. */
int wasinet_iov_convert(const struct iovec* iov, int n, size_t skip, wasinet_iovec* stack,
                        int stack_n, wasinet_iovec** out);
void wasinet_iov_free(wasinet_iovec* v, wasinet_iovec* stack);

#endif
