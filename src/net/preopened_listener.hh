#pragma once
// Preopened listening sockets (`wasinet run --listen URL`): the host binds
// and listens before the guest starts, and the guest finds the socket at an
// fd after its preopened directories, as with wasmtime's --tcplisten. An
// unmodified Go program does net.FileListener(os.NewFile(3, "")); a C
// program calls accept(3, ...).
//
// The fd is reported NONBLOCK: Go's net.FileListener registers it with its
// netpoller without ever setting the flag itself, and would otherwise stall
// its whole runtime in a blocking accept. A C program that wants a blocking
// accept clears the flag with fcntl(fd, F_SETFL, 0).
#include <sys/types.h>

#include <string>

#include "wasi/context.hh"
#include "wasinet/config.hh"

namespace wasinet::net {

struct PreopenedListener {
  wasi::Fd fd = 0;
  // The address actually bound, e.g. "tcp://127.0.0.1:43567" for port 0.
  std::string url;
  bool port_chosen_by_system = false;  // tcp port 0 was asked
  // unix: the socket file this host created (removed by remove_socket_file).
  std::string socket_file;
  dev_t dev = 0;
  ino_t ino = 0;
};

// Opens the host listener for `spec` (TCP: SO_REUSEADDR, so a restarted
// server can bind while old connections linger in TIME_WAIT), asks
// ctx.network whether it may listen there, and puts it in ctx.fds at the
// lowest free fd with rights::socket and the NONBLOCK flag.
//
// A unix path is a host path. When a file is already there: a socket
// that nobody accepts on (left by a crashed server) is removed and
// replaced; a socket someone listens on, or any other kind of file, is
// refused, never removed.
//
// Throws wasinet::Error with one line naming the URL and the reason.
PreopenedListener open_preopened_listener(wasi::Context& ctx, const ListenSpec& spec);

// Removes the socket file of a unix listener if the path still names the
// socket this host created (another process may have replaced it since).
void remove_socket_file(const PreopenedListener& listener) noexcept;

// Backlog of preopened listeners: generous, as a server's would be; the
// kernel caps it at net.core.somaxconn.
inline constexpr int kPreopenedBacklog = 1024;

}  // namespace wasinet::net
