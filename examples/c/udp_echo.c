// udp_echo: sends every datagram back to whoever sent it.
//
//   wasinet run --allow-listen=loopback --allow-net=loopback udp_echo.wasm 127.0.0.1 7000
//
// Arguments: address and port to bind (port 0: the system picks; the line
// "listening HOST:PORT" says which), and optionally how many datagrams to
// echo before exiting (default: forever).
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char* what) {
  fprintf(stderr, "udp_echo: %s: %s\n", what, strerror(errno));
  exit(1);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: udp_echo HOST PORT [DATAGRAMS]\n");
    return 2;
  }
  long limit = argc > 3 ? strtol(argv[3], NULL, 10) : -1;
  struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICHOST, .ai_socktype = SOCK_DGRAM};
  struct addrinfo* res;
  int err = getaddrinfo(argv[1], argv[2], &hints, &res);
  if (err != 0) {
    fprintf(stderr, "udp_echo: %s port %s: %s\n", argv[1], argv[2], gai_strerror(err));
    return 1;
  }
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (fd < 0) die("socket");
  if (bind(fd, res->ai_addr, res->ai_addrlen) != 0) die("bind");
  freeaddrinfo(res);

  struct sockaddr_storage self;
  socklen_t len = sizeof self;
  if (getsockname(fd, (struct sockaddr*)&self, &len) != 0) die("getsockname");
  char host[INET6_ADDRSTRLEN], port[8];
  getnameinfo((struct sockaddr*)&self, len, host, sizeof host, port, sizeof port,
              NI_NUMERICHOST | NI_NUMERICSERV);
  printf(self.ss_family == AF_INET6 ? "listening [%s]:%s\n" : "listening %s:%s\n", host, port);
  fflush(stdout);

  static char buf[65536];
  long echoed = 0;
  while (limit < 0 || echoed < limit) {
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    // A blocking socket: the call waits in the host until a datagram comes.
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr*)&from, &fromlen);
    if (n < 0) die("recvfrom");
    if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr*)&from, fromlen) != n) die("sendto");
    ++echoed;
  }
  close(fd);
  printf("echoed %ld\n", echoed);
  return 0;
}
