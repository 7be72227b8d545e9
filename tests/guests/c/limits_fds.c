// limits_fds: runs into --max-fds and --max-conns and recovers.
//
//   files PATH     opens PATH (read-only) until open() fails; prints
//                  "files=N errno=NAME"; closes 3 of them and opens 3
//                  again ("reopened=3"), then a 4th must fail again
//                  ("again=NAME"); a socket must fail too while the table
//                  is full ("socket=NAME"). Closes all, prints "done".
//   sockets        opens TCP sockets (wasinet_v0) until that fails;
//                  prints "sockets=N errno=NAME"; turns one into a
//                  listener, which no longer counts as a connection, and
//                  opens one more ("after_listen=ok"); closes one, opens one
//                  ("reopened=ok"). Prints "done".
//   fill           opens TCP sockets until that fails; prints
//                  "sockets=N errno=NAME", closes them all, prints "done".
// Exit 0, or 1 with the reason on stderr.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "include/wasinet_v0.h"

enum { E_MFILE = 33 };  // WASI errno EMFILE, as the v0 calls return it

static const char* name(int e) { return e == EMFILE || e == E_MFILE ? "EMFILE" : strerror(e); }

static int fail(const char* what) {
  fprintf(stderr, "limits_fds: %s: %s\n", what, strerror(errno));
  return 1;
}

static int32_t open_tcp(uint32_t* fd) {
  return wasinet_sock_open(wasinet_sock_determine_host_af_family(2), WASINET_SOCK_STREAM, 0, fd);
}

static int files(const char* path) {
  static int fds[100000];
  int n = 0;
  for (;;) {
    if (n == (int)(sizeof fds / sizeof fds[0])) {
      fprintf(stderr, "limits_fds: opened %d files, no limit reached\n", n);
      return 1;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) break;
    fds[n++] = fd;
  }
  printf("files=%d errno=%s\n", n, name(errno));
  if (n < 3) return fail("fewer than 3 files opened");
  for (int i = 0; i < 3; ++i)
    if (close(fds[--n]) != 0) return fail("close");
  for (int i = 0; i < 3; ++i) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return fail("open after closing some");
    fds[n++] = fd;
  }
  printf("reopened=3\n");
  int fd = open(path, O_RDONLY);
  if (fd >= 0) {
    fprintf(stderr, "limits_fds: a 4th open succeeded beyond the cap\n");
    return 1;
  }
  printf("again=%s\n", name(errno));
  uint32_t s = 0;
  int32_t e = open_tcp(&s);
  printf("socket=%s\n", e == 0 ? "opened" : name(e));
  while (n > 0)
    if (close(fds[--n]) != 0) return fail("close");
  printf("done\n");
  return 0;
}

static uint32_t fds[100000];

// Opens sockets into fds[] until that fails: how many, or -1.
static int fill(int32_t* e) {
  int n = 0;
  for (;;) {
    if (n == (int)(sizeof fds / sizeof fds[0])) {
      fprintf(stderr, "limits_fds: opened %d sockets, no limit reached\n", n);
      return -1;
    }
    *e = open_tcp(&fds[n]);
    if (*e != 0) return n;
    ++n;
  }
}

static int fill_only(void) {
  int32_t e;
  int n = fill(&e);
  if (n < 0) return 1;
  printf("sockets=%d errno=%s\n", n, name(e));
  while (n > 0)
    if (close((int)fds[--n]) != 0) return fail("close");
  printf("done\n");
  return 0;
}

static int sockets(void) {
  int32_t e;
  int n = fill(&e);
  if (n < 0) return 1;
  printf("sockets=%d errno=%s\n", n, name(e));
  if (n < 2) return fail("fewer than 2 sockets opened");
  // A listener (on loopback, any port) stops counting.
  wasinet_raw_addr a;
  const uint8_t lo[4] = {127, 0, 0, 1};
  wasinet_addr_inet(&a, lo, 0);
  if ((e = wasinet_sock_bind((int32_t)fds[0], &a, sizeof a)) != 0 ||
      (e = wasinet_sock_listen((int32_t)fds[0], 16)) != 0) {
    fprintf(stderr, "limits_fds: bind/listen: errno %d\n", e);
    return 1;
  }
  if ((e = open_tcp(&fds[n])) != 0) {
    fprintf(stderr, "limits_fds: a socket after listen: errno %d\n", e);
    return 1;
  }
  ++n;
  printf("after_listen=ok\n");
  if (close((int)fds[--n]) != 0 || close((int)fds[--n]) != 0) return fail("close");
  if ((e = open_tcp(&fds[n])) != 0) {
    fprintf(stderr, "limits_fds: a socket after closing: errno %d\n", e);
    return 1;
  }
  ++n;
  printf("reopened=ok\n");
  while (n > 0)
    if (close((int)fds[--n]) != 0) return fail("close");
  printf("done\n");
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 2 && strcmp(argv[1], "files") == 0) return files(argv[2]);
  if (argc > 1 && strcmp(argv[1], "sockets") == 0) return sockets();
  if (argc > 1 && strcmp(argv[1], "fill") == 0) return fill_only();
  fprintf(stderr, "usage: limits_fds files PATH | sockets | fill\n");
  return 2;
}
