#pragma once
// The host functions of `wasi_snapshot_preview1`, one registration function
// per concern (each defined in its preview1_<concern>.cc).
#include <cstdint>
#include <vector>

#include "engine/engine.hh"
#include "net/socket.hh"
#include "wasi/result.hh"

namespace wasinet::abi {

inline constexpr const char* kPreview1 = "wasi_snapshot_preview1";

using HostFunctions = std::vector<engine::HostFunction>;

void add_preview1_args(HostFunctions& out);   // args_*, environ_*
void add_preview1_clock(HostFunctions& out);  // clock_*
void add_preview1_proc(HostFunctions& out);   // proc_*, sched_yield, random_get
void add_preview1_fd(HostFunctions& out);     // fd_*
void add_preview1_path(HostFunctions& out);   // path_*
void add_preview1_poll(HostFunctions& out);   // poll_oneoff
void add_preview1_sock(HostFunctions& out);   // sock_*

// All of the above.
HostFunctions preview1_functions();

// sock_recv's flags (RECV_PEEK, RECV_WAITALL) as the core's receive
// options; EINVAL for any other bit. WasmEdge's sock_recv_from takes the
// same flags.
wasi::Result<net::RecvOptions> recv_options(uint32_t ri_flags);

}  // namespace wasinet::abi
