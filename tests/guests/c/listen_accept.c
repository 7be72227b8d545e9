// listen_accept: a C server on the listener the host opened (`wasinet run
// --listen URL`), with wasi-libc's own accept(): no wasinet header.
//
// Argument 1: the listener's fd (default: the first fd named in
// WASINET_LISTEN_FDS, where the host says its --listen sockets are, else
// 3). Prints "nonblock=N" (the
// flag the host reported, expected 1), checks that accept() on the
// non-blocking fd with nothing pending fails with EAGAIN, prints "ready",
// then clears O_NONBLOCK with fcntl and accepts one connection in blocking
// mode, reads one line from it and answers "echo: LINE". Exit 0, or 1 with
// the reason on stderr.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char* what) {
  fprintf(stderr, "listen_accept: %s: %s\n", what, strerror(errno));
  return 1;
}

int main(int argc, char** argv) {
  const char* named = getenv("WASINET_LISTEN_FDS");
  const int fd = argc > 1 ? atoi(argv[1]) : (named && *named ? atoi(named) : 3);
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return fail("fcntl(F_GETFL)");
  printf("nonblock=%d\n", (flags & O_NONBLOCK) ? 1 : 0);

  struct sockaddr_storage peer;
  socklen_t peer_len = sizeof peer;
  int conn = accept(fd, (struct sockaddr*)&peer, &peer_len);
  if (conn >= 0 || errno != EAGAIN) {
    fprintf(stderr, "listen_accept: accept with nothing pending gave %d (%s), want EAGAIN\n", conn,
            conn >= 0 ? "a connection" : strerror(errno));
    return 1;
  }
  printf("ready\n");
  fflush(stdout);

  if (fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) return fail("fcntl(F_SETFL)");
  peer_len = sizeof peer;
  conn = accept(fd, (struct sockaddr*)&peer, &peer_len);
  if (conn < 0) return fail("accept");

  char line[256];
  size_t have = 0;
  while (have < sizeof line - 1) {
    ssize_t n = read(conn, line + have, 1);
    if (n < 0) return fail("read");
    if (n == 0 || line[have] == '\n') break;
    have += (size_t)n;
  }
  line[have] = '\0';

  char reply[300];
  const int len = snprintf(reply, sizeof reply, "echo: %s\n", line);
  for (int sent = 0; sent < len;) {
    ssize_t n = write(conn, reply + sent, (size_t)(len - sent));
    if (n < 0) return fail("write");
    sent += (int)n;
  }
  if (close(conn) != 0) return fail("close");
  printf("served\n");
  return 0;
}
