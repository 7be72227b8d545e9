/* Replaces wasi-libc's struct sockaddr_un, which has no sun_path (WASI
 * preview1 has no unix sockets; wasinet does). Same guard macro, so
 * whichever header comes first wins and the struct is defined once; this
 * folder is searched before the sysroot's. */
#ifndef __wasilibc___struct_sockaddr_un_h
#define __wasilibc___struct_sockaddr_un_h

#define __need_STDDEF_H_misc
#include <stddef.h>

#include <__typedef_sa_family_t.h>

struct sockaddr_un {
    _Alignas(max_align_t) sa_family_t sun_family;
    char sun_path[108];
};

#endif
