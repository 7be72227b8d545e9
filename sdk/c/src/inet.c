// inet_addr and inet_ntoa, which wasi-libc leaves out.
#include <arpa/inet.h>
#include <stdio.h>

in_addr_t inet_addr(const char* text) {
  struct in_addr a;
  return inet_aton(text, &a) ? a.s_addr : (in_addr_t)-1;  // INADDR_NONE
}

char* inet_ntoa(struct in_addr addr) {
  static char buf[INET_ADDRSTRLEN];
  const unsigned char* b = (const unsigned char*)&addr.s_addr;
  snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  return buf;
}
