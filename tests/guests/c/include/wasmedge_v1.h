/* WasmEdge's socket extension with its first version's signatures, as
 * Rust guests built with wasmedge_wasi_socket import them: sock_accept
 * without flags, sock_recv_from without a port, address getters with an
 * address type, sock_getsockopt taking a pointer to the value's size.
 * Written from the ABI's description (docs/wasmedge-abi.md) for wasinet's
 * tests. */
#ifndef WASINET_TEST_WASMEDGE_V1_H
#define WASINET_TEST_WASMEDGE_V1_H

#include <stdint.h>

#define WE_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

enum { WE_AF_INET4 = 1, WE_AF_INET6 = 2, WE_AF_UNIX = 3 };
enum { WE_SOCK_DGRAM = 1, WE_SOCK_STREAM = 2 };

typedef struct { uint8_t *buf; uint32_t buf_len; } we_address;
typedef struct { uint8_t *buf; uint32_t buf_len; } we_iovec;

WE_IMPORT("sock_open") uint32_t we_sock_open(uint32_t af, uint32_t type, uint32_t *fd);
WE_IMPORT("sock_bind") uint32_t we_sock_bind(uint32_t fd, we_address *addr, uint32_t port);
WE_IMPORT("sock_connect") uint32_t we_sock_connect(uint32_t fd, we_address *addr, uint32_t port);
WE_IMPORT("sock_listen") uint32_t we_sock_listen(uint32_t fd, uint32_t backlog);
WE_IMPORT("sock_accept") uint32_t we_sock_accept(uint32_t fd, uint32_t *newfd);
WE_IMPORT("sock_recv") uint32_t we_sock_recv(uint32_t fd, we_iovec *iovs, uint32_t n, uint32_t flags,
                                             uint32_t *nread, uint32_t *oflags);
WE_IMPORT("sock_recv_from") uint32_t we_sock_recv_from(uint32_t fd, we_iovec *iovs, uint32_t n,
                                                       we_address *addr, uint32_t flags,
                                                       uint32_t *nread, uint32_t *oflags);
WE_IMPORT("sock_send") uint32_t we_sock_send(uint32_t fd, const we_iovec *iovs, uint32_t n,
                                             uint32_t flags, uint32_t *nwritten);
WE_IMPORT("sock_send_to") uint32_t we_sock_send_to(uint32_t fd, const we_iovec *iovs, uint32_t n,
                                                   we_address *addr, uint32_t port, uint32_t flags,
                                                   uint32_t *nwritten);
WE_IMPORT("sock_shutdown") uint32_t we_sock_shutdown(uint32_t fd, uint32_t how);
WE_IMPORT("sock_getlocaladdr") uint32_t we_sock_getlocaladdr(uint32_t fd, we_address *addr,
                                                             uint32_t *type, uint32_t *port);
WE_IMPORT("sock_getpeeraddr") uint32_t we_sock_getpeeraddr(uint32_t fd, we_address *addr,
                                                           uint32_t *type, uint32_t *port);
WE_IMPORT("sock_getsockopt") uint32_t we_sock_getsockopt(uint32_t fd, uint32_t level, uint32_t name,
                                                         int32_t *value, uint32_t *size);
WE_IMPORT("sock_setsockopt") uint32_t we_sock_setsockopt(uint32_t fd, uint32_t level, uint32_t name,
                                                         const int32_t *value, uint32_t size);
/* The second version under its own name, beside the first. */
WE_IMPORT("sock_getlocaladdr_v2") uint32_t we_sock_getlocaladdr_v2(uint32_t fd, we_address *addr,
                                                                   uint32_t *port);

#endif
