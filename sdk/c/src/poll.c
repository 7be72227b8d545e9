// poll, select and pselect over poll_oneoff, replacing wasi-libc's, which
// refuse (ENOSYS) a pollfd with no POLLIN/POLLOUT interest and any
// select() with a non-empty exceptfds, both common in servers, and which
// keep every subscription in a stack array (a 1000-fd poll overflows a
// wasm stack). Each waits in one poll_oneoff: the host blocks in the
// kernel, never spins.
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include "internal.h"

enum { kStackSubs = 33 };

// timeout_ns < 0: no limit.
static int poll_ns(struct pollfd* fds, nfds_t nfds, int64_t timeout_ns) {
  if (fds == NULL && nfds > 0) return wasinet_fail_with(EFAULT);
  if (nfds > (nfds_t)(SIZE_MAX / (2 * sizeof(__wasi_subscription_t))) - 1)
    return wasinet_fail_with(EINVAL);
  __wasi_subscription_t stack_subs[kStackSubs];
  __wasi_event_t stack_events[kStackSubs];
  __wasi_subscription_t* subs = stack_subs;
  __wasi_event_t* events = stack_events;
  size_t cap = 2 * (size_t)nfds + 1;
  if (cap > kStackSubs) {
    subs = malloc(cap * sizeof *subs);
    events = malloc(cap * sizeof *events);
    if (subs == NULL || events == NULL) {
      free(subs);
      free(events);
      return wasinet_fail_with(ENOMEM);
    }
  }

  int ready = 0;
  size_t n = 0;
  for (nfds_t i = 0; i < nfds; ++i) {
    struct pollfd* p = &fds[i];
    p->revents = 0;
    if (p->fd < 0) continue;
    const bool want_read = p->events & POLLIN, want_write = p->events & POLLOUT;
    if (!want_read && !want_write) {
      // No interest WASI can express; only a bad fd is worth reporting.
      __wasi_fdstat_t st;
      if (__wasi_fd_fdstat_get((__wasi_fd_t)p->fd, &st) == __WASI_ERRNO_BADF) {
        p->revents = POLLNVAL;
        ++ready;
      }
      continue;
    }
    for (int w = 0; w < 2; ++w) {
      if (!(w ? want_write : want_read)) continue;
      __wasi_subscription_t* s = &subs[n++];
      memset(s, 0, sizeof *s);
      s->userdata = i;
      s->u.tag = w ? __WASI_EVENTTYPE_FD_WRITE : __WASI_EVENTTYPE_FD_READ;
      if (w)
        s->u.u.fd_write.file_descriptor = (__wasi_fd_t)p->fd;
      else
        s->u.u.fd_read.file_descriptor = (__wasi_fd_t)p->fd;
    }
  }
  if (ready > 0) timeout_ns = 0;  // report the bad fds now, with whatever else is ready
  const __wasi_userdata_t kClock = UINT64_MAX;
  if (timeout_ns >= 0 || n == 0) {
    // With nothing to wait for and no limit, sleep "forever" in steps.
    __wasi_subscription_t* s = &subs[n++];
    memset(s, 0, sizeof *s);
    s->userdata = kClock;
    s->u.tag = __WASI_EVENTTYPE_CLOCK;
    s->u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s->u.u.clock.timeout = timeout_ns >= 0 ? (__wasi_timestamp_t)timeout_ns : UINT64_C(1) << 62;
  }

  int result;
  for (;;) {
    __wasi_size_t nevents = 0;
    __wasi_errno_t e = __wasi_poll_oneoff(subs, events, n, &nevents);
    if (e != 0) {
      result = wasinet_fail(e);
      break;
    }
    for (__wasi_size_t k = 0; k < nevents; ++k) {
      const __wasi_event_t* ev = &events[k];
      if (ev->userdata == kClock) continue;
      struct pollfd* p = &fds[ev->userdata];
      if (ev->error == __WASI_ERRNO_BADF)
        p->revents |= POLLNVAL;
      else if (ev->error == __WASI_ERRNO_PIPE)
        p->revents |= POLLHUP;
      else if (ev->error != 0)
        p->revents |= POLLERR;
      else if (ev->type == __WASI_EVENTTYPE_FD_READ) {
        p->revents |= POLLIN;
        if (ev->fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP) p->revents |= POLLHUP;
      } else {
        p->revents |= POLLOUT;
      }
    }
    result = 0;
    for (nfds_t i = 0; i < nfds; ++i)
      if (fds[i].fd >= 0 && fds[i].revents != 0) ++result;
    if (result > 0 || timeout_ns >= 0) break;
  }
  if (subs != stack_subs) {
    free(subs);
    free(events);
  }
  return result;
}

int poll(struct pollfd* fds, nfds_t nfds, int timeout_ms) {
  return poll_ns(fds, nfds, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000);
}

// select over poll. exceptfds (out-of-band data) never become ready:
// nothing carries urgent data over wasinet.
static int select_ns(int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds,
                     int64_t timeout_ns) {
  if (nfds < 0) return wasinet_fail_with(EINVAL);
  fd_set* sets[3] = {readfds, writefds, exceptfds};
  size_t count = 0;
  for (int s = 0; s < 3; ++s)
    if (sets[s]) count += sets[s]->__nfds;
  struct pollfd stack[32];
  struct pollfd* pfds = count <= 32 ? stack : malloc(count * sizeof *pfds);
  if (pfds == NULL) return wasinet_fail_with(ENOMEM);
  // One pollfd per listed fd below nfds (a fd in several sets gets one
  // per set: simpler, and poll_oneoff does not mind).
  size_t np = 0;
  static const short kEvents[3] = {POLLIN, POLLOUT, 0};
  for (int s = 0; s < 3; ++s) {
    if (!sets[s]) continue;
    for (size_t i = 0; i < sets[s]->__nfds; ++i) {
      int fd = sets[s]->__fds[i];
      if (fd >= nfds) continue;
      if (fd < 0) {
        if (pfds != stack) free(pfds);
        return wasinet_fail_with(EBADF);
      }
      pfds[np++] = (struct pollfd){.fd = fd, .events = s == 2 ? 0 : kEvents[s]};
    }
  }
  int r = poll_ns(pfds, np, timeout_ns);
  if (r >= 0) {
    for (size_t i = 0; i < np; ++i)
      if (pfds[i].revents & POLLNVAL) {
        r = wasinet_fail_with(EBADF);
        break;
      }
  }
  if (r >= 0) {
    for (int s = 0; s < 3; ++s)
      if (sets[s]) FD_ZERO(sets[s]);
    r = 0;
    size_t i = 0;
    for (int s = 0; s < 3; ++s) {
      if (!sets[s]) continue;
      // Walk the pollfds in the order they were made for this set.
      for (; i < np && pfds[i].events == kEvents[s]; ++i) {
        if (s == 2) continue;
        // An error or hangup makes a fd "ready" for either: the next call
        // reports it, as POSIX select does.
        if (pfds[i].revents & (kEvents[s] | POLLERR | POLLHUP)) {
          FD_SET(pfds[i].fd, sets[s]);
          ++r;
        }
      }
    }
  }
  if (pfds != stack) free(pfds);
  return r;
}

int select(int nfds, fd_set* __restrict readfds, fd_set* __restrict writefds,
           fd_set* __restrict exceptfds, struct timeval* __restrict timeout) {
  int64_t ns = -1;
  if (timeout != NULL) {
    if (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000)
      return wasinet_fail_with(EINVAL);
    ns = timeout->tv_sec > INT64_MAX / 1000000000 - 1
             ? INT64_MAX
             : (int64_t)timeout->tv_sec * 1000000000 + (int64_t)timeout->tv_usec * 1000;
  }
  return select_ns(nfds, readfds, writefds, exceptfds, ns);
}

int pselect(int nfds, fd_set* __restrict readfds, fd_set* __restrict writefds,
            fd_set* __restrict exceptfds, const struct timespec* __restrict timeout,
            const sigset_t* __restrict sigmask) {
  (void)sigmask;  // WASI has no signals to mask
  int64_t ns = -1;
  if (timeout != NULL) {
    if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000)
      return wasinet_fail_with(EINVAL);
    ns = timeout->tv_sec > INT64_MAX / 1000000000 - 1
             ? INT64_MAX
             : (int64_t)timeout->tv_sec * 1000000000 + timeout->tv_nsec;
  }
  return select_ns(nfds, readfds, writefds, exceptfds, ns);
}
