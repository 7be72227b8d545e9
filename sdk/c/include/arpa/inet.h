/* <arpa/inet.h> for wasinet guests: wasi-libc's (htons, inet_pton,
 * inet_ntop, inet_aton, ...) plus inet_addr and inet_ntoa, which it
 * leaves out. */
#ifndef WASINET_ARPA_INET_H
#define WASINET_ARPA_INET_H

#include_next <arpa/inet.h>

#ifdef __cplusplus
extern "C" {
#endif

in_addr_t inet_addr(const char* text);
/* Not thread-safe (a static buffer), as everywhere. */
char* inet_ntoa(struct in_addr addr);

#ifdef __cplusplus
}
#endif

#endif
