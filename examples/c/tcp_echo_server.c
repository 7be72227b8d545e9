// tcp_echo_server: a TCP echo server serving many clients at once from
// one thread with poll(), using plain BSD sockets.
//
//   wasinet run --allow-listen=loopback tcp_echo_server.wasm 127.0.0.1 7000
//   wasinet run --allow-listen=loopback tcp_echo_server.wasm ::1 0 100
//
// Arguments: the address and port to listen on (port 0: the system picks;
// the line "listening HOST:PORT" says which), and optionally how many
// connections to serve before exiting (default: forever). Each client
// gets back every byte it sends, until it closes its side.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { kMaxClients = 512, kBufSize = 64 * 1024 };

typedef struct {
  int fd;
  char* buf;     // bytes read and not yet echoed: buf[off, len)
  size_t off, len;
  int read_done;  // the client closed its side
} Client;

static void die(const char* what) {
  fprintf(stderr, "tcp_echo_server: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int listen_on(const char* host, const char* port) {
  struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICHOST, .ai_socktype = SOCK_STREAM};
  struct addrinfo* res;
  int err = getaddrinfo(host, port, &hints, &res);
  if (err != 0) {
    fprintf(stderr, "tcp_echo_server: %s port %s: %s\n", host, port, gai_strerror(err));
    exit(1);
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) die("socket");
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) die("SO_REUSEADDR");
  if (bind(fd, res->ai_addr, res->ai_addrlen) != 0) die("bind");
  freeaddrinfo(res);
  if (listen(fd, SOMAXCONN) != 0) die("listen");
  return fd;
}

static void print_address(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr*)&ss, &len) != 0) die("getsockname");
  char host[INET6_ADDRSTRLEN], port[8];
  int err = getnameinfo((struct sockaddr*)&ss, len, host, sizeof host, port, sizeof port,
                        NI_NUMERICHOST | NI_NUMERICSERV);
  if (err != 0) {
    fprintf(stderr, "tcp_echo_server: getnameinfo: %s\n", gai_strerror(err));
    exit(1);
  }
  printf(ss.ss_family == AF_INET6 ? "listening [%s]:%s\n" : "listening %s:%s\n", host, port);
  fflush(stdout);
}

// Reads what there is; returns 0 to keep the client, -1 to drop it.
static int on_readable(Client* c) {
  ssize_t n = recv(c->fd, c->buf, kBufSize, 0);
  if (n > 0) {
    c->off = 0;
    c->len = (size_t)n;
    return 0;
  }
  if (n == 0) {
    c->read_done = 1;
    shutdown(c->fd, SHUT_WR);  // echo done: pass the end of stream on
    return 0;
  }
  return errno == EAGAIN ? 0 : -1;
}

static int on_writable(Client* c) {
  ssize_t n = send(c->fd, c->buf + c->off, c->len - c->off, 0);
  if (n < 0) return errno == EAGAIN ? 0 : -1;
  c->off += (size_t)n;
  if (c->off == c->len) c->off = c->len = 0;
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: tcp_echo_server HOST PORT [CONNECTIONS]\n");
    return 2;
  }
  long limit = argc > 3 ? strtol(argv[3], NULL, 10) : -1;
  int lfd = listen_on(argv[1], argv[2]);
  print_address(lfd);

  static Client clients[kMaxClients];
  static struct pollfd fds[kMaxClients + 1];
  size_t nclients = 0;
  long accepted = 0, finished = 0;
  while (limit < 0 || finished < limit) {
    fds[0] = (struct pollfd){.fd = accepted == limit ? -1 : lfd, .events = POLLIN};
    for (size_t i = 0; i < nclients; ++i) {
      Client* c = &clients[i];
      // Read only when the last chunk is echoed: the client's own pace.
      fds[i + 1] = (struct pollfd){.fd = c->fd, .events = c->len ? POLLOUT : POLLIN};
    }
    if (poll(fds, nclients + 1, -1) < 0) die("poll");

    for (size_t i = nclients; i-- > 0;) {
      Client* c = &clients[i];
      short re = fds[i + 1].revents;
      int keep = 0;
      if (re & (POLLOUT | POLLERR | POLLHUP)) keep = c->len ? on_writable(c) : on_readable(c);
      else if (re & POLLIN) keep = on_readable(c);
      if (keep == 0 && !(c->read_done && c->len == 0)) continue;
      close(c->fd);
      free(c->buf);
      clients[i] = clients[--nclients];
      ++finished;
    }
    if (fds[0].revents & POLLIN) {
      for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) {
          if (errno == EAGAIN) break;
          die("accept");
        }
        if (nclients == kMaxClients) {
          close(fd);
          continue;
        }
        clients[nclients++] = (Client){.fd = fd, .buf = malloc(kBufSize)};
        if (clients[nclients - 1].buf == NULL) die("malloc");
        if (++accepted == limit) break;
      }
    }
  }
  close(lfd);
  printf("served %ld\n", finished);
  return 0;
}
