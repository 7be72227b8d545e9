/* wasinet's C SDK: BSD sockets for wasm32-wasi programs run by wasinet.
 * Programs use the usual headers (<sys/socket.h>, <netdb.h>,
 * <arpa/inet.h>, <poll.h>); this header only names the SDK. See
 * sdk/c/README.md. */
#ifndef WASINET_WASINET_H
#define WASINET_WASINET_H

#define WASINET_SDK_VERSION_MAJOR 0
#define WASINET_SDK_VERSION_MINOR 1

#endif
