// csdk_resolve: the C SDK's name lookups, one scenario per run, driven by
// tests/e2e/csdk_net_test.go. Output lines are the protocol with that test;
// any mismatch prints "csdk_resolve: ..." on stderr and exits 1.
//
//   resolve NAME FAMILY...             getaddrinfo: "FAMILY addr inet|inet6 IP"
//                                      lines (FAMILY: any, inet, inet6)
//   gai                                getaddrinfo's errors, getnameinfo,
//                                      gethostbyname, inet_* helpers
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define GUEST_NAME "csdk_resolve"
#include "csdk_check.h"

// FAMILIES: any, inet, inet6 (each a getaddrinfo with that ai_family).
static void resolve(char** argv, int n) {
  for (int i = 1; i < n; ++i) {
    const char* name = argv[i];
    int family = strcmp(name, "inet") == 0 ? AF_INET : strcmp(name, "inet6") == 0 ? AF_INET6 : AF_UNSPEC;
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM};
    struct addrinfo* res;
    int err = getaddrinfo(argv[0], "8080", &hints, &res);
    if (err != 0) {
      say("%s error %s", name,
          err == EAI_NONAME ? "EAI_NONAME" : err == EAI_SYSTEM ? strerror(errno) : gai_strerror(err));
      continue;
    }
    for (struct addrinfo* a = res; a; a = a->ai_next) {
      char host[NI_MAXHOST], serv[NI_MAXSERV];
      CHECK(a->ai_socktype == SOCK_STREAM && a->ai_protocol == IPPROTO_TCP);
      CHECK(getnameinfo(a->ai_addr, a->ai_addrlen, host, sizeof host, serv, sizeof serv,
                        NI_NUMERICHOST | NI_NUMERICSERV) == 0);
      CHECK(strcmp(serv, "8080") == 0);
      say("%s addr %s %s", name, a->ai_family == AF_INET ? "inet" : "inet6", host);
    }
    freeaddrinfo(res);
  }
  say("ok");
}

static void gai(void) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
  struct addrinfo* res = NULL;
  // '!' is no host name character: glibc turns it down without a query.
  int err = getaddrinfo("nosuch!host.invalid", "80", &hints, &res);
  CHECK(err == EAI_NONAME && res == NULL);
  say("nonexistent: %s", gai_strerror(err));
  hints.ai_flags = 0x10000;
  CHECK(getaddrinfo("127.0.0.1", "80", &hints, &res) == EAI_BADFLAGS);
  hints.ai_flags = 0;
  hints.ai_family = AF_UNIX;
  CHECK(getaddrinfo("127.0.0.1", "80", &hints, &res) == EAI_FAMILY);
  hints.ai_family = AF_UNSPEC;
  CHECK(getaddrinfo(NULL, NULL, &hints, &res) == EAI_NONAME);
  CHECK(getaddrinfo("127.0.0.1", "no-such-service", &hints, &res) == EAI_SERVICE);
  hints.ai_flags = AI_NUMERICHOST;
  CHECK(getaddrinfo("localhost", "80", &hints, &res) == EAI_NONAME);
  // Numeric hosts and services never ask the host; a named service does.
  hints.ai_flags = 0;
  CHECK(getaddrinfo("::1", "http", &hints, &res) == 0);
  CHECK(res->ai_family == AF_INET6 && res->ai_next == NULL);
  CHECK(ntohs(((struct sockaddr_in6*)res->ai_addr)->sin6_port) == 80);
  freeaddrinfo(res);
  // Passive, no host: the wildcard, both families, both socket types.
  hints = (struct addrinfo){.ai_flags = AI_PASSIVE};
  CHECK(getaddrinfo(NULL, "7", &hints, &res) == 0);
  int n = 0;
  for (struct addrinfo* a = res; a; a = a->ai_next) ++n;
  CHECK(n == 4);
  freeaddrinfo(res);
  // AF_INET6 with AI_V4MAPPED on an IPv4 literal.
  hints = (struct addrinfo){.ai_family = AF_INET6, .ai_flags = AI_V4MAPPED};
  CHECK(getaddrinfo("127.0.0.1", "7", &hints, &res) == 0);
  CHECK(IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6*)res->ai_addr)->sin6_addr));
  freeaddrinfo(res);
  // gethostbyname, over the same lookups.
  struct hostent* he = gethostbyname("127.0.0.2");
  CHECK(he != NULL && he->h_addrtype == AF_INET && he->h_length == 4 && he->h_addr_list[1] == NULL);
  CHECK(memcmp(he->h_addr, "\x7f\x00\x00\x02", 4) == 0);
  CHECK(gethostbyname("nosuch!host.invalid") == NULL && h_errno == HOST_NOT_FOUND);
  CHECK(gethostbyname("::1") == NULL);  // IPv4 only
  // The inet_* helpers.
  struct in_addr a;
  CHECK(inet_pton(AF_INET, "10.1.2.3", &a) == 1 && inet_addr("10.1.2.3") == a.s_addr);
  CHECK(strcmp(inet_ntoa(a), "10.1.2.3") == 0);
  CHECK(inet_addr("300.1.1.1") == INADDR_NONE);
  char text[INET6_ADDRSTRLEN];
  struct in6_addr a6;
  CHECK(inet_pton(AF_INET6, "fe80::1:2", &a6) == 1);
  CHECK(strcmp(inet_ntop(AF_INET6, &a6, text, sizeof text), "fe80::1:2") == 0);
  // getnameinfo never makes up a name.
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(80), .sin_addr = a};
  char host[64], serv[16];
  CHECK(getnameinfo((struct sockaddr*)&sin, sizeof sin, host, sizeof host, serv, sizeof serv, 0) == 0);
  CHECK(strcmp(host, "10.1.2.3") == 0 && strcmp(serv, "80") == 0);
  CHECK(getnameinfo((struct sockaddr*)&sin, sizeof sin, host, sizeof host, NULL, 0, NI_NAMEREQD) ==
        EAI_NONAME);
  say("ok");
}

int main(int argc, char** argv) {
  if (argc < 2) fail("usage: csdk_resolve MODE ARGS...");
  const char* mode = argv[1];
  char** a = argv + 2;
  int n = argc - 2;
  if (strcmp(mode, "resolve") == 0 && n >= 2) resolve(a, n);
  else if (strcmp(mode, "gai") == 0 && n == 0) gai();
  else fail("unknown mode or arguments: %s", mode);
  return 0;
}
