// csdk_fault_open: a short guest that opens files and sockets of every kind
// and then ends without closing any of them, for the embedding test that
// runs it a thousand times in one process and checks the host closed them
// all (tests/unit/embed_many_guests_test.cc).
//
//   csdk_fault_open DIR PORT HOW
//
// Opens DIR/in.txt for reading, DIR/out.txt for writing (created), DIR
// itself as a directory; a TCP listener on 127.0.0.1, a connection to it
// and the accepted end; a UDP socket with a datagram to itself waiting in
// its queue; a connection to the native listener at 127.0.0.1:PORT, on
// which it sends "hello\n" last. Then, by HOW:
//   exit   exit(3) (proc_exit)
//   trap   __builtin_trap() (an unreachable instruction)
//   wait   wait in poll() on the listener forever, until the embedder stops
//          it (Host::stop and an epoch interrupt)
// It prints nothing unless something fails: one line on stderr, exit 1.
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  fprintf(stderr, "csdk_fault_open: ");
  vfprintf(stderr, format, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

#define CHECK(cond) \
  do {              \
    if (!(cond)) fail("line %d: %s (errno %d %s)", __LINE__, #cond, errno, strerror(errno)); \
  } while (0)

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in in;
  memset(&in, 0, sizeof in);
  in.sin_family = AF_INET;
  in.sin_port = htons((uint16_t)port);
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return in;
}

static char path[512];

static const char* in_dir(const char* dir, const char* name) {
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return path;
}

int main(int argc, char** argv) {
  if (argc != 4) fail("usage: csdk_fault_open DIR PORT exit|trap|wait");
  const char* dir = argv[1];
  const char* how = argv[3];

  // Files.
  CHECK(open(in_dir(dir, "in.txt"), O_RDONLY) >= 0);
  CHECK(open(in_dir(dir, "out.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644) >= 0);
  DIR* d = opendir(dir);
  CHECK(d != NULL);
  CHECK(readdir(d) != NULL);

  // A TCP listener, a connection to it and its accepted end.
  int l = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(l >= 0);
  struct sockaddr_in a = loopback(0);
  CHECK(bind(l, (struct sockaddr*)&a, sizeof a) == 0);
  CHECK(listen(l, 4) == 0);
  socklen_t len = sizeof a;
  CHECK(getsockname(l, (struct sockaddr*)&a, &len) == 0);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(c >= 0);
  CHECK(connect(c, (struct sockaddr*)&a, sizeof a) == 0);
  CHECK(accept(l, NULL, NULL) >= 0);

  // A UDP socket with a datagram to itself in its queue.
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(u >= 0);
  struct sockaddr_in ua = loopback(0);
  CHECK(bind(u, (struct sockaddr*)&ua, sizeof ua) == 0);
  len = sizeof ua;
  CHECK(getsockname(u, (struct sockaddr*)&ua, &len) == 0);
  CHECK(sendto(u, "dgram", 5, 0, (struct sockaddr*)&ua, sizeof ua) == 5);

  // The native peer's connection; "hello" tells the test all is open.
  int n = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(n >= 0);
  struct sockaddr_in na = loopback(atoi(argv[2]));
  CHECK(connect(n, (struct sockaddr*)&na, sizeof na) == 0);
  CHECK(send(n, "hello\n", 6, 0) == 6);

  if (strcmp(how, "exit") == 0) exit(3);
  if (strcmp(how, "trap") == 0) __builtin_trap();
  if (strcmp(how, "wait") == 0) {
    // Nothing connects: only the embedder's stop ends this (poll returns
    // EINTR, and the epoch interrupt stops the loop).
    for (;;) {
      struct pollfd p = {.fd = l, .events = POLLIN};
      poll(&p, 1, -1);
    }
  }
  fail("unknown HOW %s", how);
  return 1;
}
