// Lets a program that uses files start when a socket that answers ENOTDIR
// to fd_prestat_get sits among its first fds.
//
// At start-up, wasi-libc walks fds from 3 with fd_prestat_get until
// EBADF, and exits with status 71 on any other error. wasinet answers
// EBADF for a socket and puts every directory before every socket, so
// under wasinet this wrap never acts; it is kept for hosts that answer
// ENOTDIR for a socket (as wasinet did before). The SDK links with
// `--wrap=__wasi_fd_prestat_get` (the wasinet-cc wrapper and the toolchain
// file add it): during that walk only, such a socket is reported as a
// preopen of a type wasi-libc skips. Calls the program makes itself see
// the host's answer unchanged.
#include <wasi/api.h>

__wasi_errno_t __real___wasi_fd_prestat_get(__wasi_fd_t fd, __wasi_prestat_t* prestat);

static int g_in_startup_walk;

// In Debian 12's wasi-libc (2022-05) the walk is a constructor of
// priority 51 in preopens.o; these run just before and after it. (A
// wasi-libc that walked lazily would find the flag clear: the wrapper then
// changes nothing.) (Priorities up to 100 are the implementation's:
// the SDK is part of it here.)
__attribute__((constructor(50))) static void walk_begins(void) { g_in_startup_walk = 1; }
__attribute__((constructor(52))) static void walk_ends(void) { g_in_startup_walk = 0; }

__wasi_errno_t __wrap___wasi_fd_prestat_get(__wasi_fd_t fd, __wasi_prestat_t* prestat) {
  __wasi_errno_t e = __real___wasi_fd_prestat_get(fd, prestat);
  if (e != __WASI_ERRNO_NOTDIR || !g_in_startup_walk) return e;
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(fd, &st) != 0) return e;
  if (st.fs_filetype != __WASI_FILETYPE_SOCKET_STREAM && st.fs_filetype != __WASI_FILETYPE_SOCKET_DGRAM)
    return e;
  // Not __WASI_PREOPENTYPE_DIR (0), the only type wasi-libc registers.
  prestat->tag = 0xff;
  return __WASI_ERRNO_SUCCESS;
}
