// The boundary between wasi-libc's numbers, which the program uses, and
// the host's (Linux) numbers, which wasinet_v0 takes. wasi-libc's
// AF_INET is 1, Linux's AF_UNIX: nothing may pass through untranslated.
#include <errno.h>
#include <sys/socket.h>

#include "internal.h"

int wasinet_errno_of(int32_t host_errno) {
  // wasi-libc's errno values are WASI's numbers, which the host returns.
  // ENOTCAPABLE (a unix path outside every preopened directory, or a
  // read-only one) has no POSIX meaning; EACCES is what a POSIX program
  // checks for "not allowed here".
  if (host_errno == __WASI_ERRNO_NOTCAPABLE) return EACCES;
  return host_errno;
}

int wasinet_fail(int32_t host_errno) {
  errno = wasinet_errno_of(host_errno);
  return -1;
}

int wasinet_fail_with(int guest_errno) {
  errno = guest_errno;
  return -1;
}

int wasinet_host_family(int guest_af) {
  switch (guest_af) {
    case AF_INET: return WASINET_AF_INET;
    case AF_INET6: return WASINET_AF_INET6;
    case AF_UNIX: return WASINET_AF_UNIX;
    default: return -1;
  }
}

int wasinet_guest_family(int host_af) {
  switch (host_af) {
    case WASINET_AF_INET: return AF_INET;
    case WASINET_AF_INET6: return AF_INET6;
    case WASINET_AF_UNIX: return AF_UNIX;
    default: return AF_UNSPEC;
  }
}
