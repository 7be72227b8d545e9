// What the SDK keeps per fd (socket timeouts), and its one way to wait:
// poll_oneoff, which the host serves by blocking in the kernel.
//
// Why timeouts live here and not in the host: POSIX SO_RCVTIMEO and
// SO_SNDTIMEO bound each call; wasinet_v0's options are deadlines from
// the moment they are set (the Go library's model), so passing them
// through would make every call after the first interval time out.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static wasinet_fd_state* g_states;
static size_t g_count;

const wasinet_fd_state* wasinet_state_of(int fd) {
  if (fd < 0 || (size_t)fd >= g_count) return NULL;
  return &g_states[fd];
}

wasinet_fd_state* wasinet_state_for_update(int fd) {
  if (fd < 0) {
    errno = EBADF;
    return NULL;
  }
  if ((size_t)fd >= g_count) {
    size_t count = g_count ? g_count : 16;
    while (count <= (size_t)fd) count *= 2;
    wasinet_fd_state* grown = realloc(g_states, count * sizeof *grown);
    if (grown == NULL) {
      errno = ENOMEM;
      return NULL;
    }
    memset(grown + g_count, 0, (count - g_count) * sizeof *grown);
    g_states = grown;
    g_count = count;
  }
  return &g_states[fd];
}

void wasinet_state_reset(int fd) {
  if (fd >= 0 && (size_t)fd < g_count) memset(&g_states[fd], 0, sizeof g_states[fd]);
}

int32_t wasinet_fd_mode(int fd, uint8_t* filetype, bool* blocking) {
  __wasi_fdstat_t st;
  __wasi_errno_t e = __wasi_fd_fdstat_get((__wasi_fd_t)fd, &st);
  if (e != 0) return e;
  if (filetype) *filetype = st.fs_filetype;
  if (blocking) *blocking = (st.fs_flags & __WASI_FDFLAGS_NONBLOCK) == 0;
  return 0;
}

int64_t wasinet_now_ns(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return (int64_t)t;
}

int32_t wasinet_wait(int fd, bool write, int64_t timeout_ns) {
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = write ? __WASI_EVENTTYPE_FD_WRITE : __WASI_EVENTTYPE_FD_READ;
  if (write)
    subs[0].u.u.fd_write.file_descriptor = (__wasi_fd_t)fd;
  else
    subs[0].u.u.fd_read.file_descriptor = (__wasi_fd_t)fd;
  __wasi_size_t nsubs = 1;
  if (timeout_ns >= 0) {
    subs[1].userdata = 2;
    subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[1].u.u.clock.timeout = (__wasi_timestamp_t)timeout_ns;
    nsubs = 2;
  }
  __wasi_event_t events[2];
  __wasi_size_t nevents = 0;
  __wasi_errno_t e = __wasi_poll_oneoff(subs, events, nsubs, &nevents);
  if (e != 0) return e;
  for (__wasi_size_t i = 0; i < nevents; ++i)
    if (events[i].userdata == 1) {
      // A bad fd is the call's own error to report; anything else on the
      // fd (a reset, a hangup) the next call reports.
      return events[i].error == __WASI_ERRNO_BADF ? __WASI_ERRNO_BADF : 0;
    }
  return __WASI_ERRNO_AGAIN;
}
