// limits_wait: waits forever in one of the ways a guest can, so that a
// test can check that --timeout (or the embedding API's timeout) stops it.
//
//   spin            pure computation, no host call
//   sleep           nanosleep for an hour (poll_oneoff on a clock)
//   accept FD       a blocking accept() on a listener the host opened
//   send IP PORT    connects to a peer that never reads and writes to it
//                   with a blocking socket until the buffers are full
//
// Prints "waiting" when the wait starts. Exits 3 if the wait ever ends by
// itself (it should not: the host stops it), 1 on a setup error.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "include/wasinet_v0.h"

static int fail(const char* what, int e) {
  fprintf(stderr, "limits_wait: %s: errno %d (%s)\n", what, e, strerror(e));
  return 1;
}

static void waiting(void) {
  printf("waiting\n");
  fflush(stdout);
}

static int spin(void) {
  volatile uint64_t n = 0;
  waiting();
  for (;;) n = n + 1;
}

static int sleep_long(void) {
  struct timespec t = {3600, 0};
  waiting();
  nanosleep(&t, NULL);
  fprintf(stderr, "limits_wait: nanosleep returned: %s\n", strerror(errno));
  return 3;
}

static int accept_blocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) return fail("fcntl", errno);
  waiting();
  struct sockaddr_storage peer;
  socklen_t len = sizeof peer;
  int c = accept(fd, (struct sockaddr*)&peer, &len);
  fprintf(stderr, "limits_wait: accept returned %d: %s\n", c, c < 0 ? strerror(errno) : "a connection");
  return 3;
}

static int send_blocking(const char* ip, int port) {
  uint32_t fd = 0;
  int32_t e = wasinet_sock_open(wasinet_sock_determine_host_af_family(2), WASINET_SOCK_STREAM, 0, &fd);
  if (e) return fail("sock_open", e);
  uint8_t b[4];
  if (inet_pton(AF_INET, ip, b) != 1) return fail("inet_pton", EINVAL);
  wasinet_raw_addr a;
  wasinet_addr_inet(&a, b, (uint32_t)port);
  e = wasinet_sock_connect((int32_t)fd, &a, sizeof a);
  if (e != 0 && e != 26 /* EINPROGRESS */) return fail("connect", e);
  struct pollfd p = {.fd = (int)fd, .events = POLLOUT};
  if (poll(&p, 1, 10000) != 1) return fail("poll for connect", errno);
  if (fcntl((int)fd, F_SETFL, 0) != 0) return fail("fcntl", errno);  // blocking from now on
  static char chunk[65536];
  memset(chunk, 'x', sizeof chunk);
  waiting();
  for (;;) {
    ssize_t n = write((int)fd, chunk, sizeof chunk);
    if (n < 0) {
      fprintf(stderr, "limits_wait: write: %s\n", strerror(errno));
      return 3;
    }
  }
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "spin") == 0) return spin();
  if (strcmp(mode, "sleep") == 0) return sleep_long();
  if (strcmp(mode, "accept") == 0 && argc > 2) return accept_blocking(atoi(argv[2]));
  if (strcmp(mode, "send") == 0 && argc > 3) return send_blocking(argv[2], atoi(argv[3]));
  fprintf(stderr, "usage: limits_wait spin | sleep | accept FD | send IP PORT\n");
  return 2;
}
