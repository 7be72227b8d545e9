/* <sys/socket.h> for wasinet guests: wasi-libc's header plus the calls and
 * constants it leaves out (WASI preview1 has no socket(), bind(),
 * connect(), ...). libwasinet.a implements them, and replaces wasi-libc's
 * accept, accept4, send, recv, shutdown and getsockopt, over the wasinet_v0
 * host module.
 *
 * Numbers are wasi-libc's where it defines them (AF_INET 1, AF_INET6 2,
 * AF_UNIX 3, SOCK_STREAM 6, SOCK_DGRAM 5, SOL_SOCKET 0x7fffffff,
 * MSG_PEEK 1, MSG_WAITALL 2) and Linux's for the rest; the library
 * translates every one to the host's numbers, so never pass a Linux or
 * wasinet_v0 number where a constant from this header belongs.
 */
#ifndef WASINET_SYS_SOCKET_H
#define WASINET_SYS_SOCKET_H

#include_next <sys/socket.h>

#define AF_LOCAL AF_UNIX
#define PF_UNSPEC AF_UNSPEC
#define PF_INET AF_INET
#define PF_INET6 AF_INET6
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_UNIX

/* msg_flags of recvmsg: a datagram was longer than the buffers.
 * wasi-libc's own MSG_TRUNC names a constant that does not exist
 * (__WASI_RIFLAGS_RECV_DATA_TRUNCATED); Linux's number, so that passing
 * it as an input flag is refused (EINVAL) rather than read as MSG_PEEK. */
#undef MSG_TRUNC
#define MSG_TRUNC 0x0020
#define MSG_DONTWAIT 0x0040
#define MSG_NOSIGNAL 0x4000

/* Socket options at SOL_SOCKET (Linux numbers; wasi-libc has SO_TYPE 3). */
#define SO_REUSEADDR 2
#define SO_ERROR 4
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_LINGER 13
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_DOMAIN 39

#define SOMAXCONN 128

#ifdef __cplusplus
extern "C" {
#endif

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr* addr, socklen_t addrlen);
int connect(int fd, const struct sockaddr* addr, socklen_t addrlen);
int listen(int fd, int backlog);
int getsockname(int fd, struct sockaddr* __restrict addr, socklen_t* __restrict addrlen);
int getpeername(int fd, struct sockaddr* __restrict addr, socklen_t* __restrict addrlen);
ssize_t sendto(int fd, const void* buf, size_t len, int flags, const struct sockaddr* addr,
               socklen_t addrlen);
ssize_t recvfrom(int fd, void* __restrict buf, size_t len, int flags,
                 struct sockaddr* __restrict addr, socklen_t* __restrict addrlen);
ssize_t sendmsg(int fd, const struct msghdr* msg, int flags);
ssize_t recvmsg(int fd, struct msghdr* msg, int flags);
int setsockopt(int fd, int level, int name, const void* value, socklen_t len);

#ifdef __cplusplus
}
#endif

#endif
