/* <netdb.h> for wasinet guests (wasi-libc has none): name and service
 * lookups through the host's resolver (wasinet_v0 sock_getaddrip and
 * sock_getaddrport). The run needs --allow-dns for names that are not
 * numeric. Numbers follow musl and glibc. */
#ifndef WASINET_NETDB_H
#define WASINET_NETDB_H

#include <netinet/in.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  socklen_t ai_addrlen;
  struct sockaddr* ai_addr;
  char* ai_canonname;
  struct addrinfo* ai_next;
};

#define AI_PASSIVE 0x01
#define AI_CANONNAME 0x02
#define AI_NUMERICHOST 0x04
#define AI_V4MAPPED 0x08
#define AI_ALL 0x10
#define AI_ADDRCONFIG 0x20
#define AI_NUMERICSERV 0x400

#define NI_NUMERICHOST 0x01
#define NI_NUMERICSERV 0x02
#define NI_NOFQDN 0x04
#define NI_NAMEREQD 0x08
#define NI_DGRAM 0x10
#define NI_MAXHOST 255
#define NI_MAXSERV 32

#define EAI_BADFLAGS -1
#define EAI_NONAME -2
#define EAI_AGAIN -3
#define EAI_FAIL -4
#define EAI_NODATA -5
#define EAI_FAMILY -6
#define EAI_SOCKTYPE -7
#define EAI_SERVICE -8
#define EAI_MEMORY -10
#define EAI_SYSTEM -11
#define EAI_OVERFLOW -12

int getaddrinfo(const char* __restrict node, const char* __restrict service,
                const struct addrinfo* __restrict hints, struct addrinfo** __restrict res);
void freeaddrinfo(struct addrinfo* res);
const char* gai_strerror(int code);
/* Numeric only: the host has no reverse lookup. A name is never returned;
 * with NI_NAMEREQD the answer is EAI_NONAME. */
int getnameinfo(const struct sockaddr* __restrict addr, socklen_t addrlen, char* __restrict host,
                socklen_t hostlen, char* __restrict serv, socklen_t servlen, int flags);

/* The older interface, IPv4 only, over getaddrinfo: one static result,
 * overwritten by the next call (not thread-safe, as everywhere). Errors
 * are in h_errno. */
struct hostent {
  char* h_name;
  char** h_aliases;
  int h_addrtype;
  int h_length;
  char** h_addr_list;
};
#define h_addr h_addr_list[0]

#define HOST_NOT_FOUND 1
#define TRY_AGAIN 2
#define NO_RECOVERY 3
#define NO_DATA 4

extern int h_errno;
struct hostent* gethostbyname(const char* name);
const char* hstrerror(int code);

#ifdef __cplusplus
}
#endif

#endif
