#pragma once
// WasmEdge's socket extension to `wasi_snapshot_preview1`: sock_open,
// sock_bind, sock_connect, sock_listen, sock_accept (its first version's
// two-parameter form), sock_recv_from and sock_getlocaladdr /
// sock_getpeeraddr in both versions' signatures, sock_send_to,
// sock_getsockopt, sock_setsockopt, sock_getaddrinfo, and the `_v2`
// names WasmEdge also registers. sock_recv, sock_send, sock_shutdown and the
// three-parameter sock_accept are preview1's own (preview1_sock.cc).
//
// Two versions of one call share a name: link_imports binds each import by
// its signature (host_modules.hh). Layouts, numbers and every decision where
// WasmEdge's host and its guests disagree: docs/wasmedge-abi.md.
#include "abi/preview1.hh"

namespace wasinet::abi {

// Everything above (registered under kPreview1).
void add_wasmedge_sockets(HostFunctions& out);

// The parts, each in its own file.
void add_wasmedge_options(HostFunctions& out);   // wasmedge_options.cc
void add_wasmedge_addrinfo(HostFunctions& out);  // wasmedge_addrinfo.cc

}  // namespace wasinet::abi
