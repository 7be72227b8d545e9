// csdk_fault_net: the C SDK's stream sockets when the peer misbehaves, one
// scenario per run, driven by tests/e2e/faults_test.go (which plays the
// native peer). The same scenarios as the Go guest tests/guests/go/fault_net:
//
//   resetread IP PORT    connect, read 64 KiB, print "got 65536", block in the
//                        next recv until the peer resets (SO_LINGER 0):
//                        "resetread errno=ECONNRESET"
//   resetwrite IP PORT   connect, print "writing", send until the peer
//                        resets: "resetwrite errno=ECONNRESET"
//   halfclose IP PORT    two connections: the peer shuts down its side first
//                        (recv returns 0, twice; send still works), then the
//                        guest does (send after SHUT_WR is EPIPE; recv still
//                        works)
//
// Anything unexpected prints "csdk_fault_net: ..." on stderr and exits 1.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void fail(const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  fprintf(stderr, "csdk_fault_net: ");
  vfprintf(stderr, format, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

#define CHECK(cond) \
  do {              \
    if (!(cond)) fail("line %d: %s (errno %d %s)", __LINE__, #cond, errno, strerror(errno)); \
  } while (0)

static const char* errno_name(int e) {
  switch (e) {
    case ECONNRESET: return "ECONNRESET";
    case EPIPE: return "EPIPE";
    case ECONNABORTED: return "ECONNABORTED";
    case 0: return "none";
    default: return strerror(e);
  }
}

static int dial(const char* ip, int port) {
  struct sockaddr_in in;
  memset(&in, 0, sizeof in);
  in.sin_family = AF_INET;
  in.sin_port = htons((uint16_t)port);
  CHECK(inet_pton(AF_INET, ip, &in.sin_addr) == 1);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  CHECK(connect(fd, (struct sockaddr*)&in, sizeof in) == 0);
  return fd;
}

static char buf[256 << 10];

static void reset_read(const char* ip, int port) {
  int fd = dial(ip, port);
  size_t got = 0;
  while (got < 64 << 10) {
    ssize_t n = recv(fd, buf + got, (64 << 10) - got, 0);
    if (n <= 0) fail("recv after %zu of 65536 bytes: %zd (errno %s)", got, n, errno_name(errno));
    got += (size_t)n;
  }
  printf("got %zu\n", got);
  fflush(stdout);
  // The peer resets while this recv waits.
  errno = 0;
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  if (n >= 0) fail("recv after the reset returned %zd, want -1", n);
  printf("resetread errno=%s\n", errno_name(errno));
  close(fd);
}

static void reset_write(const char* ip, int port) {
  int fd = dial(ip, port);
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (char)(i % 251);
  printf("writing\n");
  fflush(stdout);
  size_t total = 0;
  for (;;) {
    errno = 0;
    ssize_t n = send(fd, buf, sizeof buf, 0);
    if (n < 0) break;
    total += (size_t)n;
    if (total > (size_t)1 << 30) fail("sent %zu bytes and the peer never reset", total);
  }
  printf("resetwrite errno=%s\n", errno_name(errno));
  close(fd);
}

// Reads to EOF into buf (NUL-terminated).
static size_t read_to_eof(int fd) {
  size_t got = 0;
  for (;;) {
    ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
    CHECK(n >= 0);
    if (n == 0) break;
    got += (size_t)n;
  }
  buf[got] = 0;
  return got;
}

static void send_all(int fd, const char* s) {
  CHECK(send(fd, s, strlen(s), 0) == (ssize_t)strlen(s));
}

static void half_close(const char* ip, int port) {
  // The peer shuts down its side first.
  int fd = dial(ip, port);
  read_to_eof(fd);
  buf[strcspn(buf, "\n")] = 0;
  ssize_t again = recv(fd, buf + 1024, 16, 0);
  printf("native-first read=%s eof-again=%s\n", buf, again == 0 ? "true" : "false");
  send_all(fd, "guest reply after EOF\n");
  CHECK(close(fd) == 0);

  // The guest shuts down its side first.
  fd = dial(ip, port);
  send_all(fd, "guest data\n");
  CHECK(shutdown(fd, SHUT_WR) == 0);
  errno = 0;
  ssize_t late = send(fd, "too late", 8, 0);
  printf("guest-first send-after-shutdown=%zd errno=%s\n", late, errno_name(late < 0 ? errno : 0));
  read_to_eof(fd);
  buf[strcspn(buf, "\n")] = 0;
  printf("guest-first read=%s\n", buf);
  CHECK(close(fd) == 0);
}

int main(int argc, char** argv) {
  if (argc != 4) fail("usage: csdk_fault_net resetread|resetwrite|halfclose IP PORT");
  const char* mode = argv[1];
  int port = atoi(argv[3]);
  if (strcmp(mode, "resetread") == 0) reset_read(argv[2], port);
  else if (strcmp(mode, "resetwrite") == 0) reset_write(argv[2], port);
  else if (strcmp(mode, "halfclose") == 0) half_close(argv[2], port);
  else fail("unknown mode %s", mode);
  return 0;
}
