// isolation_fds: probes every guest fd number from 0 to 4096 (and a few
// far beyond) with every call that takes an fd, to show what the guest can
// reach. Driven by tests/e2e/isolation_test.go.
//
// For each fd that fd_fdstat_get does not call EBADF, one line on stdout:
//
//   fd N type T prestat NAME|errno=E local KIND|errno=E [accept errno=E] [read N HEX]
//
// T is the preview1 filetype; KIND is what wasinet_v0 sock_getlocaladdr
// says (inet:PORT, inet6:PORT, unix:PATH). A socket is also asked to accept
// (non-blocking: a pending connection would show as "accept fd=..."), and
// any fd other than stdio that is no directory or socket is read from (its
// bytes in hex), so that a host descriptor reached by mistake shows its
// contents in the output.
//
// For every other fd, EVERY fd-taking call of wasi_snapshot_preview1 and
// wasinet_v0 must be EBADF (poll_oneoff: an fd event whose error is EBADF);
// the first that is not prints "isolation_fds: fd N: CALL gave E" on stderr
// and exits 1. The last line is "closed C" with the count of closed fds.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "wasinet_v0.h"

#define EBADF __WASI_ERRNO_BADF

static int failures = 0;

static void expect_badf(uint32_t fd, const char* call, int got) {
  if (got == EBADF) return;
  fprintf(stderr, "isolation_fds: fd %u: %s gave %d, want EBADF (%d)\n", fd, call, got, EBADF);
  ++failures;
}

#define BADF(call) expect_badf(fd, #call, (call))

// poll_oneoff on fd for reading and writing, with a clock of 0 so the
// call never waits; returns the error of the fd's events (both must agree),
// or -1 when the call itself failed or reported no fd event.
static int poll_error(uint32_t fd) {
  __wasi_subscription_t subs[3];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = fd;
  subs[1].userdata = 2;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = fd;
  subs[2].userdata = 3;
  subs[2].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[2].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[2].u.u.clock.timeout = 0;
  __wasi_event_t events[3];
  __wasi_size_t n = 0;
  if (__wasi_poll_oneoff(subs, events, 3, &n) != 0) return -1;
  int err = -1;
  for (__wasi_size_t i = 0; i < n; ++i) {
    if (events[i].userdata == 3) continue;
    if (err != -1 && err != events[i].error) return -1;
    err = events[i].error;
  }
  return err;
}

// Every call that takes an fd, on an fd that must be closed.
static void probe_closed(uint32_t fd) {
  uint8_t buf[64];
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_ciovec_t ciov = {buf, 0};
  __wasi_size_t n;
  __wasi_filesize_t off;
  __wasi_filestat_t fst;
  __wasi_prestat_t pre;
  __wasi_fd_t nfd;
  __wasi_roflags_t roflags;
  __wasi_size_t sent;

  BADF(__wasi_fd_read(fd, &iov, 0, &n));
  BADF(__wasi_fd_read(fd, &iov, 1, &n));
  BADF(__wasi_fd_write(fd, &ciov, 0, &n));
  BADF(__wasi_fd_write(fd, &ciov, 1, &n));
  BADF(__wasi_fd_pread(fd, &iov, 1, 0, &n));
  BADF(__wasi_fd_pwrite(fd, &ciov, 1, 0, &n));
  BADF(__wasi_fd_prestat_get(fd, &pre));
  BADF(__wasi_fd_prestat_dir_name(fd, buf, sizeof buf));
  BADF(__wasi_fd_filestat_get(fd, &fst));
  BADF(__wasi_fd_filestat_set_size(fd, 0));
  BADF(__wasi_fd_filestat_set_times(fd, 0, 0, 0));
  BADF(__wasi_fd_fdstat_set_flags(fd, 0));
  BADF(__wasi_fd_fdstat_set_rights(fd, 0, 0));
  BADF(__wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &off));
  BADF(__wasi_fd_tell(fd, &off));
  BADF(__wasi_fd_sync(fd));
  BADF(__wasi_fd_datasync(fd));
  BADF(__wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_NORMAL));
  BADF(__wasi_fd_allocate(fd, 0, 1));
  BADF(__wasi_fd_readdir(fd, buf, sizeof buf, 0, &n));
  BADF(__wasi_fd_close(fd));
  // Both directions of renumber: from the closed fd, and onto it (which
  // must not open the number up as an alias of stdin).
  BADF(__wasi_fd_renumber(fd, 0));
  BADF(__wasi_fd_renumber(0, fd));
  BADF(__wasi_path_open(fd, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &nfd));
  BADF(__wasi_path_open(fd, 0, "x", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &nfd));
  BADF(__wasi_path_filestat_get(fd, 0, ".", &fst));
  BADF(__wasi_path_create_directory(fd, "d"));
  BADF(__wasi_path_remove_directory(fd, "d"));
  BADF(__wasi_path_unlink_file(fd, "f"));
  BADF(__wasi_path_readlink(fd, "l", buf, sizeof buf, &n));
  BADF(__wasi_path_symlink("t", fd, "l"));
  BADF(__wasi_path_link(fd, 0, "a", fd, "b"));
  BADF(__wasi_path_rename(fd, "a", fd, "b"));
  BADF(__wasi_path_filestat_set_times(fd, 0, ".", 0, 0, 0));
  BADF(__wasi_sock_accept(fd, __WASI_FDFLAGS_NONBLOCK, &nfd));
  BADF(__wasi_sock_recv(fd, &iov, 1, 0, &n, &roflags));
  BADF(__wasi_sock_send(fd, &ciov, 1, 0, &sent));
  BADF(__wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
  expect_badf(fd, "poll_oneoff (event error)", poll_error(fd));

  // wasinet_v0, with well-formed arguments so that only the fd is wrong.
  // The addresses are loopback: nothing could leave the machine even if a
  // call went through.
  wasinet_raw_addr a;
  const uint8_t lo[4] = {127, 0, 0, 1};
  wasinet_addr_inet(&a, lo, 9);
  uint32_t u32, oflags;
  int32_t opt = 1;
  wasinet_iovec viov = wasinet_iov(buf, sizeof buf);
  BADF(wasinet_sock_getlocaladdr((int32_t)fd, &a, sizeof a));
  BADF(wasinet_sock_getpeeraddr((int32_t)fd, &a, sizeof a));
  BADF(wasinet_sock_bind((int32_t)fd, &a, sizeof a));
  BADF(wasinet_sock_connect((int32_t)fd, &a, sizeof a));
  BADF(wasinet_sock_listen((int32_t)fd, 1));
  BADF(wasinet_sock_accept((int32_t)fd, &u32, &a, sizeof a));
  BADF(wasinet_sock_getsockopt((int32_t)fd, WASINET_SOL_SOCKET, WASINET_SO_ERROR, &opt, sizeof opt));
  BADF(wasinet_sock_setsockopt((int32_t)fd, WASINET_SOL_SOCKET, WASINET_SO_REUSEADDR, &opt, sizeof opt));
  BADF(wasinet_sock_recv_from((int32_t)fd, &viov, 1, 0, 0, &a, sizeof a, WASINET_MSG_DONTWAIT, &u32, &oflags));
  BADF(wasinet_sock_send_to((int32_t)fd, &viov, 1, 0, 0, &a, sizeof a, 0, &u32));
  BADF(wasinet_sock_shutdown((int32_t)fd, WASINET_SHUT_RDWR));
}

static void print_local(uint32_t fd) {
  wasinet_raw_addr a;
  memset(&a, 0, sizeof a);
  int e = wasinet_sock_getlocaladdr((int32_t)fd, &a, sizeof a);
  if (e != 0) {
    printf(" local errno=%d", e);
  } else if (a.family == WASINET_AF_INET) {
    printf(" local inet:%u", wasinet_addr_port(&a));
  } else if (a.family == WASINET_AF_INET6) {
    printf(" local inet6:%u", wasinet_addr_port(&a));
  } else if (a.family == WASINET_AF_UNIX) {
    printf(" local unix:%s", wasinet_addr_path(&a));
  } else {
    printf(" local family=%u", a.family);
  }
}

static void print_open(uint32_t fd, const __wasi_fdstat_t* st) {
  printf("fd %u type %u", fd, st->fs_filetype);
  __wasi_prestat_t pre;
  int e = __wasi_fd_prestat_get(fd, &pre);
  if (e == 0) {
    char name[256] = {0};
    uint32_t len = pre.u.dir.pr_name_len < sizeof name - 1 ? pre.u.dir.pr_name_len : sizeof name - 1;
    e = __wasi_fd_prestat_dir_name(fd, (uint8_t*)name, len);
    if (e == 0) printf(" prestat %s", name);
    else printf(" prestat_dir_name errno=%d", e);
  } else {
    printf(" prestat errno=%d", e);
  }
  print_local(fd);
  const int is_socket = st->fs_filetype == __WASI_FILETYPE_SOCKET_STREAM ||
                        st->fs_filetype == __WASI_FILETYPE_SOCKET_DGRAM;
  if (is_socket) {
    // Non-blocking, so that an idle listener answers EAGAIN at once.
    (void)__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK);
    __wasi_fd_t nfd;
    e = __wasi_sock_accept(fd, __WASI_FDFLAGS_NONBLOCK, &nfd);
    if (e == 0) printf(" accept fd=%u", nfd);
    else printf(" accept errno=%d", e);
  } else if (fd > 2 && st->fs_filetype != __WASI_FILETYPE_DIRECTORY) {
    uint8_t buf[64];
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_size_t n = 0;
    e = __wasi_fd_read(fd, &iov, 1, &n);
    printf(" read");
    if (e != 0) printf(" errno=%d", e);
    for (__wasi_size_t i = 0; i < n; ++i) printf("%s%02x", i ? "" : " ", buf[i]);
  }
  printf("\n");
}

static void probe(uint32_t fd, unsigned* closed) {
  __wasi_fdstat_t st;
  int e = __wasi_fd_fdstat_get(fd, &st);
  if (e == 0) {
    print_open(fd, &st);
  } else if (e == EBADF) {
    ++*closed;
    probe_closed(fd);
  } else {
    fprintf(stderr, "isolation_fds: fd %u: fd_fdstat_get gave %d\n", fd, e);
    ++failures;
  }
}

int main(void) {
  unsigned closed = 0;
  for (uint32_t fd = 0; fd <= 4096; ++fd) probe(fd, &closed);
  // Far beyond any table: numbers a host might truncate, sign-extend or
  // use as an index unchecked.
  static const uint32_t far[] = {8191, 65535, 65536, 1u << 20, 0x7fffffffu, 0x80000000u, 0xfffffffeu,
                                 0xffffffffu};
  for (size_t i = 0; i < sizeof far / sizeof far[0]; ++i) probe(far[i], &closed);
  printf("closed %u\n", closed);
  fflush(stdout);
  return failures ? 1 : 0;
}
