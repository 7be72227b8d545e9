// iovec conversion: wasinet_v0's sock_recv_from and sock_send_to take the
// Go library's 16-byte entries {u64 buf, u32 len, u32 pad}, not
// preview1's (and wasi-libc's struct iovec) 8 bytes.
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "internal.h"

int wasinet_iov_convert(const struct iovec* iov, int n, size_t skip, wasinet_iovec* stack,
                        int stack_n, wasinet_iovec** out) {
  if (n < 0 || n > IOV_MAX) {
    errno = EMSGSIZE;
    return -1;
  }
  wasinet_iovec* v = stack;
  if (n > stack_n) {
    v = malloc((size_t)n * sizeof *v);
    if (v == NULL) {
      errno = ENOMEM;
      return -1;
    }
  }
  int count = 0;
  for (int i = 0; i < n; ++i) {
    size_t len = iov[i].iov_len;
    const char* base = iov[i].iov_base;
    if (skip >= len) {
      skip -= len;
      continue;
    }
    base += skip;
    len -= skip;
    skip = 0;
    v[count++] = wasinet_iov(base, (uint32_t)len);
  }
  *out = v;
  return count;
}

void wasinet_iov_free(wasinet_iovec* v, wasinet_iovec* stack) {
  if (v != stack) free(v);
}
