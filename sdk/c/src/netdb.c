// getaddrinfo, freeaddrinfo, gai_strerror, getnameinfo over the host's
// resolver (wasinet_v0 sock_getaddrip / sock_getaddrport). Numeric hosts
// and services never reach the host; names need --allow-dns.
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { kMaxAddrs = 64, kKnownFlags = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED |
                                     AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV };

typedef struct {
  int family;        // AF_INET or AF_INET6
  uint8_t ip[16];    // 4 or 16 bytes used
} Ip;

// One allocation per entry: the addrinfo, then its address.
typedef struct {
  struct addrinfo ai;
  struct sockaddr_storage addr;
} Entry;

static int gai_of_host(int32_t e) {
  switch (e) {
    case __WASI_ERRNO_NOENT: return EAI_NONAME;
    case __WASI_ERRNO_AGAIN: return EAI_AGAIN;
    case __WASI_ERRNO_INVAL: return EAI_NONAME;
    case __WASI_ERRNO_NOMEM: return EAI_MEMORY;
    default:
      // EACCES (the host's policy refused the lookup) and the rest: the
      // errno tells which.
      errno = wasinet_errno_of(e);
      return EAI_SYSTEM;
  }
}

// A numeric host: "1.2.3.4" or "::1". Returns 1, 0 (not numeric).
static int numeric_host(const char* node, Ip* ip) {
  if (inet_pton(AF_INET, node, ip->ip) == 1) {
    ip->family = AF_INET;
    return 1;
  }
  if (inet_pton(AF_INET6, node, ip->ip) == 1) {
    ip->family = AF_INET6;
    return 1;
  }
  return 0;
}

// Resolves node through the host. Returns 0 or an EAI_* code.
static int resolve(const char* node, int family, int flags, Ip* out, size_t* count) {
  const char* network = family == AF_INET ? "ip4" : family == AF_INET6 ? "ip6" : "ip";
  uint8_t buf[kMaxAddrs * 16];
  uint32_t len = 0;
  int32_t e = wasinet_sock_getaddrip(network, (uint32_t)strlen(network), node,
                                     (uint32_t)strlen(node), buf, sizeof buf, &len);
  // AI_V4MAPPED: an AF_INET6 query of a name with IPv4 addresses only
  // answers those as ::ffff:a.b.c.d.
  bool mapped = false;
  if (e == __WASI_ERRNO_NOENT && family == AF_INET6 && (flags & AI_V4MAPPED)) {
    e = wasinet_sock_getaddrip("ip4", 3, node, (uint32_t)strlen(node), buf, sizeof buf, &len);
    mapped = true;
  }
  if (e != 0) return gai_of_host(e);
  static const uint8_t kV4Prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  size_t n = 0;
  for (uint32_t off = 0; off + 16 <= len && n < kMaxAddrs; off += 16) {
    const uint8_t* a = buf + off;
    Ip ip;
    // The host gives IPv4 as ::ffff:a.b.c.d; an AF_INET6 query keeps
    // that form only when it asked for mapped addresses.
    if (memcmp(a, kV4Prefix, 12) == 0 && !(mapped || family == AF_INET6)) {
      ip.family = AF_INET;
      memcpy(ip.ip, a + 12, 4);
    } else {
      ip.family = AF_INET6;
      memcpy(ip.ip, a, 16);
    }
    out[n++] = ip;
  }
  if (n == 0) return EAI_NONAME;
  *count = n;
  return 0;
}

static bool all_digits(const char* s) {
  if (*s == '\0') return false;
  for (; *s; ++s)
    if (*s < '0' || *s > '9') return false;
  return true;
}

// The port of service for one socket type. Returns 0 or an EAI_* code.
static int service_port(const char* service, int socktype, int flags, uint16_t* port) {
  if (service == NULL) {
    *port = 0;
    return 0;
  }
  if (all_digits(service)) {
    unsigned long v = strtoul(service, NULL, 10);
    if (v > 65535) return EAI_SERVICE;
    *port = (uint16_t)v;
    return 0;
  }
  if (flags & AI_NUMERICSERV) return EAI_NONAME;
  const char* network = socktype == SOCK_DGRAM ? "udp" : "tcp";
  uint32_t p = 0;
  int32_t e = wasinet_sock_getaddrport(network, 3, service, (uint32_t)strlen(service), &p);
  if (e == __WASI_ERRNO_NOENT || e == __WASI_ERRNO_INVAL) return EAI_SERVICE;
  if (e != 0) return gai_of_host(e);
  if (p > 65535) return EAI_SERVICE;
  *port = (uint16_t)p;
  return 0;
}

static Entry* make_entry(const Ip* ip, int socktype, uint16_t port) {
  Entry* e = calloc(1, sizeof *e);
  if (e == NULL) return NULL;
  e->ai.ai_family = ip->family;
  e->ai.ai_socktype = socktype;
  e->ai.ai_protocol = socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
  e->ai.ai_addr = (struct sockaddr*)&e->addr;
  if (ip->family == AF_INET) {
    struct sockaddr_in* in = (struct sockaddr_in*)&e->addr;
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    memcpy(&in->sin_addr, ip->ip, 4);
    e->ai.ai_addrlen = sizeof *in;
  } else {
    struct sockaddr_in6* in6 = (struct sockaddr_in6*)&e->addr;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    memcpy(&in6->sin6_addr, ip->ip, 16);
    e->ai.ai_addrlen = sizeof *in6;
  }
  return e;
}

int getaddrinfo(const char* __restrict node, const char* __restrict service,
                const struct addrinfo* __restrict hints, struct addrinfo** __restrict res) {
  if (res == NULL) return EAI_FAIL;
  *res = NULL;
  const int flags = hints ? hints->ai_flags : AI_V4MAPPED | AI_ADDRCONFIG;
  const int family = hints ? hints->ai_family : AF_UNSPEC;
  const int socktype = hints ? hints->ai_socktype : 0;
  const int protocol = hints ? hints->ai_protocol : 0;
  if (flags & ~kKnownFlags) return EAI_BADFLAGS;
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return EAI_FAMILY;
  if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM) return EAI_SOCKTYPE;
  if (protocol != 0 && protocol != IPPROTO_TCP && protocol != IPPROTO_UDP) return EAI_SOCKTYPE;
  if ((socktype == SOCK_STREAM && protocol == IPPROTO_UDP) ||
      (socktype == SOCK_DGRAM && protocol == IPPROTO_TCP))
    return EAI_SOCKTYPE;
  if (node == NULL && service == NULL) return EAI_NONAME;
  if (node != NULL && node[0] == '\0') node = NULL;

  // Socket types to answer for: the one asked, else stream and datagram.
  int types[2];
  int ntypes = 0;
  if (socktype != 0)
    types[ntypes++] = socktype;
  else if (protocol == IPPROTO_UDP)
    types[ntypes++] = SOCK_DGRAM;
  else if (protocol == IPPROTO_TCP)
    types[ntypes++] = SOCK_STREAM;
  else {
    types[ntypes++] = SOCK_STREAM;
    types[ntypes++] = SOCK_DGRAM;
  }
  uint16_t ports[2];
  for (int t = 0; t < ntypes; ++t) {
    int err = service_port(service, types[t], flags, &ports[t]);
    if (err != 0) return err;
  }

  Ip ips[kMaxAddrs];
  size_t nips = 0;
  if (node == NULL) {
    // Passive: the wildcard; else loopback. IPv6 first for AF_UNSPEC,
    // as glibc does when the machine has IPv6.
    static const uint8_t kAny6[16] = {0}, kLoop6[16] = {[15] = 1};
    static const uint8_t kAny4[4] = {0}, kLoop4[4] = {127, 0, 0, 1};
    const bool passive = flags & AI_PASSIVE;
    if (family != AF_INET) {
      ips[nips].family = AF_INET6;
      memcpy(ips[nips++].ip, passive ? kAny6 : kLoop6, 16);
    }
    if (family != AF_INET6) {
      ips[nips].family = AF_INET;
      memcpy(ips[nips++].ip, passive ? kAny4 : kLoop4, 4);
    }
  } else {
    Ip ip;
    if (numeric_host(node, &ip)) {
      if (family == AF_INET6 && ip.family == AF_INET) {
        if (!(flags & AI_V4MAPPED)) return EAI_NONAME;
        uint8_t v4[4];
        memcpy(v4, ip.ip, 4);
        memset(ip.ip, 0, 10);
        ip.ip[10] = ip.ip[11] = 0xff;
        memcpy(ip.ip + 12, v4, 4);
        ip.family = AF_INET6;
      } else if (family != AF_UNSPEC && family != ip.family) {
        return EAI_NONAME;
      }
      ips[nips++] = ip;
    } else {
      if (flags & AI_NUMERICHOST) return EAI_NONAME;
      int err = resolve(node, family, flags, ips, &nips);
      if (err != 0) return err;
    }
  }

  struct addrinfo* head = NULL;
  struct addrinfo** tail = &head;
  for (size_t i = 0; i < nips; ++i)
    for (int t = 0; t < ntypes; ++t) {
      Entry* e = make_entry(&ips[i], types[t], ports[t]);
      if (e == NULL) {
        freeaddrinfo(head);
        return EAI_MEMORY;
      }
      *tail = &e->ai;
      tail = &e->ai.ai_next;
    }
  if ((flags & AI_CANONNAME) && head != NULL && node != NULL) {
    // No canonical names from the host: the name as given.
    head->ai_canonname = strdup(node);
    if (head->ai_canonname == NULL) {
      freeaddrinfo(head);
      return EAI_MEMORY;
    }
  }
  *res = head;
  return 0;
}

void freeaddrinfo(struct addrinfo* res) {
  while (res != NULL) {
    struct addrinfo* next = res->ai_next;
    free(res->ai_canonname);
    free(res);  // the Entry starts with its addrinfo
    res = next;
  }
}

const char* gai_strerror(int code) {
  switch (code) {
    case 0: return "Success";
    case EAI_BADFLAGS: return "Invalid flags";
    case EAI_NONAME: return "Name does not resolve";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_NODATA: return "No address for the name";
    case EAI_FAMILY: return "Unrecognized address family or invalid length";
    case EAI_SOCKTYPE: return "Unrecognized socket type";
    case EAI_SERVICE: return "Unrecognized service";
    case EAI_MEMORY: return "Out of memory";
    case EAI_SYSTEM: return "System error";
    case EAI_OVERFLOW: return "Overflow";
    default: return "Unknown error";
  }
}

int getnameinfo(const struct sockaddr* __restrict addr, socklen_t addrlen, char* __restrict host,
                socklen_t hostlen, char* __restrict serv, socklen_t servlen, int flags) {
  if (addr == NULL || addrlen < sizeof(sa_family_t)) return EAI_FAMILY;
  sa_family_t family;
  memcpy(&family, addr, sizeof family);
  const void* ip;
  in_port_t port;
  struct sockaddr_in in;
  struct sockaddr_in6 in6;
  if (family == AF_INET && addrlen >= sizeof in) {
    memcpy(&in, addr, sizeof in);
    ip = &in.sin_addr;
    port = in.sin_port;
  } else if (family == AF_INET6 && addrlen >= offsetof(struct sockaddr_in6, sin6_scope_id)) {
    memset(&in6, 0, sizeof in6);
    memcpy(&in6, addr, addrlen < sizeof in6 ? addrlen : sizeof in6);
    ip = &in6.sin6_addr;
    port = in6.sin6_port;
  } else {
    return EAI_FAMILY;
  }
  if (host != NULL && hostlen > 0) {
    if (flags & NI_NAMEREQD) return EAI_NONAME;  // no reverse lookups
    if (inet_ntop(family, ip, host, hostlen) == NULL) return EAI_OVERFLOW;
  }
  if (serv != NULL && servlen > 0) {
    int n = snprintf(serv, servlen, "%u", (unsigned)ntohs(port));
    if (n < 0 || (socklen_t)n >= servlen) return EAI_OVERFLOW;
  }
  return 0;
}
