// struct sockaddr_{in,in6,un} (wasi-libc's layouts: over-aligned, port in
// network order) <-> wasinet_v0's 130-byte RawSocketAddress (Linux family
// numbers, port as a plain number). The program's pointers may be
// unaligned (a char buffer cast to struct sockaddr*): fields are copied
// with memcpy, never loaded through the struct types.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

#include "internal.h"

enum { kFamilySize = sizeof(sa_family_t) };

void wasinet_raw_clear(wasinet_raw_addr* raw) { memset(raw, 0, sizeof *raw); }

int wasinet_sockaddr_to_raw(const struct sockaddr* addr, socklen_t addrlen, wasinet_raw_addr* raw) {
  if (addr == NULL) return EFAULT;
  if (addrlen < kFamilySize) return EINVAL;
  sa_family_t family;
  memcpy(&family, addr, sizeof family);
  const char* bytes = (const char*)addr;
  switch (family) {
    case AF_INET: {
      if (addrlen < offsetof(struct sockaddr_in, sin_addr) + sizeof(struct in_addr)) return EINVAL;
      in_port_t port;
      uint8_t ip[4];
      memcpy(&port, bytes + offsetof(struct sockaddr_in, sin_port), sizeof port);
      memcpy(ip, bytes + offsetof(struct sockaddr_in, sin_addr), sizeof ip);
      wasinet_addr_inet(raw, ip, ntohs(port));
      return 0;
    }
    case AF_INET6: {
      if (addrlen < offsetof(struct sockaddr_in6, sin6_addr) + sizeof(struct in6_addr)) return EINVAL;
      in_port_t port;
      uint8_t ip[16];
      uint32_t scope = 0;
      memcpy(&port, bytes + offsetof(struct sockaddr_in6, sin6_port), sizeof port);
      memcpy(ip, bytes + offsetof(struct sockaddr_in6, sin6_addr), sizeof ip);
      if (addrlen >= offsetof(struct sockaddr_in6, sin6_scope_id) + sizeof scope)
        memcpy(&scope, bytes + offsetof(struct sockaddr_in6, sin6_scope_id), sizeof scope);
      wasinet_addr_inet6(raw, ip, ntohs(port), scope);
      return 0;
    }
    case AF_UNIX: {
      // The path is what follows the family, up to its first NUL or the
      // end of addrlen; wasinet_v0 holds 122 bytes, sun_path 108.
      size_t room = addrlen - offsetof(struct sockaddr_un, sun_path);
      if (addrlen < offsetof(struct sockaddr_un, sun_path)) room = 0;
      if (room > sizeof(((struct sockaddr_un*)0)->sun_path)) room = sizeof(((struct sockaddr_un*)0)->sun_path);
      const char* path = bytes + offsetof(struct sockaddr_un, sun_path);
      size_t n = strnlen(path, room);
      wasinet_addr_head(raw, WASINET_AF_UNIX);
      memcpy(raw->body + 4, path, n);
      return 0;
    }
    default:
      return EAFNOSUPPORT;
  }
}

void wasinet_sockaddr_from_raw(const wasinet_raw_addr* raw, struct sockaddr* addr,
                               socklen_t* addrlen) {
  if (addrlen == NULL) return;
  struct sockaddr_storage out;
  memset(&out, 0, sizeof out);
  socklen_t size = 0;
  switch (raw->family) {
    case WASINET_AF_INET: {
      struct sockaddr_in* in = (struct sockaddr_in*)&out;
      in->sin_family = AF_INET;
      in->sin_port = htons((uint16_t)wasinet_addr_port(raw));
      memcpy(&in->sin_addr, wasinet_addr_ip(raw), 4);
      size = sizeof *in;
      break;
    }
    case WASINET_AF_INET6: {
      struct sockaddr_in6* in6 = (struct sockaddr_in6*)&out;
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons((uint16_t)wasinet_addr_port(raw));
      memcpy(&in6->sin6_addr, wasinet_addr_ip(raw), 16);
      in6->sin6_scope_id = wasinet_addr_zone(raw);
      size = sizeof *in6;
      break;
    }
    case WASINET_AF_UNIX: {
      struct sockaddr_un* un = (struct sockaddr_un*)&out;
      un->sun_family = AF_UNIX;
      const char* path = wasinet_addr_path(raw);
      size_t n = strnlen(path, 122);
      // The host names an unnamed socket "@"; Linux gives such an
      // address as the family alone.
      if (n == 1 && path[0] == '@') n = 0;
      if (n > sizeof un->sun_path - 1) n = sizeof un->sun_path - 1;
      memcpy(un->sun_path, path, n);
      size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (n ? n + 1 : 0));
      break;
    }
    default:
      break;  // nothing written: no address (e.g. a stream receive)
  }
  if (addr != NULL && size > 0) memcpy(addr, &out, size < *addrlen ? size : *addrlen);
  *addrlen = size;
}
