/* Replaces wasi-libc's struct sockaddr_storage (48 bytes), which cannot
 * hold a struct sockaddr_un with its path: 128 bytes, as on Linux, with
 * wasi-libc's alignment. Same guard macro as wasi-libc's header. */
#ifndef __wasilibc___struct_sockaddr_storage_h
#define __wasilibc___struct_sockaddr_storage_h

#define __need_STDDEF_H_misc
#include <stddef.h>

#include <__typedef_sa_family_t.h>

struct sockaddr_storage {
    _Alignas(max_align_t) sa_family_t ss_family;
    char __ss_data[128 - sizeof(sa_family_t)];
};

#endif
