/* wasmedge_c: WasmEdge's socket extension, first version (include/
 * wasmedge_v1.h), from C against native peers.
 *
 *   wasmedge_c server IP     bind IP (4 or 16 raw bytes) port 0, listen,
 *                            print "listening A:P type=T" (sock_getlocaladdr,
 *                            the v1 address type), accept one (blocking),
 *                            print "peer A:P", echo to EOF in upper case
 *   wasmedge_c udp IP PORT   bind loopback, sock_send_to "ping" to IP:PORT,
 *                            sock_recv_from (v1: no port) and print
 *                            "reply from A TEXT"; then print "v2 local A:P"
 *                            through sock_getlocaladdr_v2
 *   wasmedge_c error IP PORT non-blocking connect to a closed port; print
 *                            "so_error N" (SO_ERROR with the size by pointer)
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasmedge_v1.h"

static void check(const char *what, uint32_t err) {
  if (err != 0) {
    fprintf(stderr, "wasmedge_c: %s: errno %u\n", what, err);
    exit(1);
  }
}

/* The raw address of `text` (IPv4 or IPv6); its family. */
static uint32_t parse_ip(const char *text, uint8_t raw[16], uint32_t *len) {
  if (inet_pton(AF_INET, text, raw) == 1) {
    *len = 4;
    return WE_AF_INET4;
  }
  if (inet_pton(AF_INET6, text, raw) == 1) {
    *len = 16;
    return WE_AF_INET6;
  }
  fprintf(stderr, "wasmedge_c: not an IP address: %s\n", text);
  exit(2);
}

static void print_address(const char *prefix, const uint8_t *raw, uint32_t type, uint32_t port) {
  char text[64];
  inet_ntop(type == 4 ? AF_INET : AF_INET6, raw, text, sizeof text);
  printf("%s%s:%u type=%u\n", prefix, text, port, type);
}

static void server(const char *ip) {
  uint8_t raw[16];
  uint32_t len, fd, conn;
  const uint32_t family = parse_ip(ip, raw, &len);
  we_address a = {raw, len};
  check("sock_open", we_sock_open(family, WE_SOCK_STREAM, &fd));
  check("sock_bind", we_sock_bind(fd, &a, 0));
  check("sock_listen", we_sock_listen(fd, 8));
  uint8_t local[16] = {0};
  we_address la = {local, 16};
  uint32_t type = 0, port = 0;
  check("sock_getlocaladdr", we_sock_getlocaladdr(fd, &la, &type, &port));
  print_address("listening ", local, type, port);
  fflush(stdout);
  check("sock_accept", we_sock_accept(fd, &conn));
  uint8_t peer[16] = {0};
  we_address pa = {peer, 16};
  check("sock_getpeeraddr", we_sock_getpeeraddr(conn, &pa, &type, &port));
  print_address("peer ", peer, type, port);
  char buf[4096];
  for (;;) {
    we_iovec iov = {(uint8_t *)buf, sizeof buf};
    uint32_t n = 0, oflags = 0;
    check("sock_recv", we_sock_recv(conn, &iov, 1, 0, &n, &oflags));
    if (n == 0) break;
    for (uint32_t i = 0; i < n; ++i) buf[i] = (char)toupper((unsigned char)buf[i]);
    for (uint32_t off = 0; off < n;) {
      we_iovec out = {(uint8_t *)buf + off, n - off};
      uint32_t sent = 0;
      check("sock_send", we_sock_send(conn, &out, 1, 0, &sent));
      off += sent;
    }
  }
  check("sock_shutdown", we_sock_shutdown(conn, 3));
  close((int)conn);
}

static void udp(const char *ip, const char *port_text) {
  uint8_t raw[16], loop[16] = {0};
  uint32_t len, fd;
  const uint32_t family = parse_ip(ip, raw, &len);
  if (family == WE_AF_INET4) {
    loop[0] = 127;
    loop[3] = 1;
  } else {
    loop[15] = 1;
  }
  we_address la = {loop, len};
  check("sock_open", we_sock_open(family, WE_SOCK_DGRAM, &fd));
  check("sock_bind", we_sock_bind(fd, &la, 0));
  we_address to = {raw, len};
  we_iovec out = {(uint8_t *)"ping", 4};
  uint32_t sent = 0;
  check("sock_send_to", we_sock_send_to(fd, &out, 1, &to, (uint32_t)atoi(port_text), 0, &sent));
  char buf[256];
  uint8_t from[16] = {0};
  we_address fa = {from, 16};
  we_iovec in = {(uint8_t *)buf, sizeof buf - 1};
  uint32_t n = 0, oflags = 0;
  check("sock_recv_from", we_sock_recv_from(fd, &in, 1, &fa, 0, &n, &oflags));
  buf[n] = 0;
  char text[64];
  inet_ntop(family == WE_AF_INET4 ? AF_INET : AF_INET6, from, text, sizeof text);
  printf("reply from %s %s\n", text, buf);
  uint8_t storage[128] = {0};
  we_address sa = {storage, sizeof storage};
  uint32_t port = 0;
  check("sock_getlocaladdr_v2", we_sock_getlocaladdr_v2(fd, &sa, &port));
  const uint16_t v2_family = (uint16_t)(storage[0] | storage[1] << 8);
  inet_ntop(v2_family == WE_AF_INET4 ? AF_INET : AF_INET6, storage + 2, text, sizeof text);
  printf("v2 local %s:%u family=%u\n", text, port, v2_family);
}

static void so_error(const char *ip, const char *port_text) {
  uint8_t raw[16];
  uint32_t len, fd;
  const uint32_t family = parse_ip(ip, raw, &len);
  we_address a = {raw, len};
  check("sock_open", we_sock_open(family, WE_SOCK_STREAM, &fd));
  if (fcntl((int)fd, F_SETFL, O_NONBLOCK) != 0) {
    perror("fcntl");
    exit(1);
  }
  const uint32_t err = we_sock_connect(fd, &a, (uint32_t)atoi(port_text));
  printf("connect errno %u\n", err);
  struct pollfd p = {(int)fd, POLLOUT, 0};
  poll(&p, 1, 60000);
  int32_t value = -1;
  uint32_t size = sizeof value;  /* by pointer, as wasmedge_wasi_socket passes it */
  check("sock_getsockopt", we_sock_getsockopt(fd, 0, 2, &value, &size));
  printf("so_error %d size %u\n", value, size);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "server") == 0) server(argv[2]);
  else if (argc == 4 && strcmp(argv[1], "udp") == 0) udp(argv[2], argv[3]);
  else if (argc == 4 && strcmp(argv[1], "error") == 0) so_error(argv[2], argv[3]);
  else {
    fprintf(stderr, "usage: wasmedge_c server IP | udp IP PORT | error IP PORT\n");
    return 2;
  }
  return 0;
}
