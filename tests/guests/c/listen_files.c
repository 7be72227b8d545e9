// listen_files: a server built with plain clang and wasi-libc (no wasinet
// header, no C SDK), given a directory (--dir) and a listening socket
// (--listen), as a C, C++ or Rust program would be.
//
//   listen_files FILE
//
// Finds its listener in WASINET_LISTEN_FDS (the first fd named there),
// prints "listener fd=N", accepts one connection (blocking, after clearing
// the O_NONBLOCK the host reports), reads one line, and answers with
// "FILE: CONTENT" (the first line of FILE, opened by its relative or
// absolute name), then "served" on stdout. Exit 0, or 1 with the reason on
// stderr.
//
// Before issue 15 such a program exited 71 before main: wasi-libc's
// start-up scan of the preopens met the socket, which answered ENOTDIR.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char* what) {
  fprintf(stderr, "listen_files: %s: %s\n", what, strerror(errno));
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: listen_files FILE\n");
    return 2;
  }
  const char* fds = getenv("WASINET_LISTEN_FDS");
  if (!fds || !*fds) {
    fprintf(stderr, "listen_files: WASINET_LISTEN_FDS is not set\n");
    return 1;
  }
  const int fd = atoi(fds);  // the first of "5,6"
  printf("listener fd=%d\n", fd);
  fflush(stdout);

  FILE* f = fopen(argv[1], "r");
  if (!f) return fail(argv[1]);
  char content[256] = "";
  if (!fgets(content, sizeof content, f)) content[0] = '\0';
  fclose(f);

  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) return fail("fcntl");
  int conn = accept(fd, NULL, NULL);
  if (conn < 0) return fail("accept");
  char line[256];
  size_t have = 0;
  while (have < sizeof line - 1) {
    ssize_t n = read(conn, line + have, 1);
    if (n < 0) return fail("read");
    if (n == 0 || line[have] == '\n') break;
    have += (size_t)n;
  }
  char reply[600];
  const int len = snprintf(reply, sizeof reply, "%s: %s", argv[1], content);
  for (int sent = 0; sent < len;) {
    ssize_t n = write(conn, reply + sent, (size_t)(len - sent));
    if (n < 0) return fail("write");
    sent += (int)n;
  }
  if (close(conn) != 0) return fail("close");
  printf("served\n");
  return 0;
}
