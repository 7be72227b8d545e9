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

#include "os/unique_fd.hh"
#include "wasi/context.hh"
#include "wasinet/config.hh"

namespace wasinet::net {

class Network;
class Socket;

// A listening socket the host opened for the operator (`--listen`),
// before any guest runs. One HostListener can serve several guests (the
// instances of a service, and their successors after a reload): each gets
// its own guest fd for the same host socket (insert_listener).
struct HostListener {
  os::UniqueFd fd;  // the host socket, listening, non-blocking
  // The address actually bound, e.g. "tcp://127.0.0.1:43567" for port 0.
  std::string url;
  bool port_chosen_by_system = false;  // tcp port 0 was asked
  // unix: the socket file this host created (removed by remove_socket_file).
  std::string socket_file;
  dev_t dev = 0;
  ino_t ino = 0;
};

// Opens the host listener for `spec` (TCP: SO_REUSEADDR, so a restarted
// server can bind while old connections linger in TIME_WAIT) after asking
// `network` whether it may listen there (null: no network; refused).
//
// A unix path is a host path. When a file is already there: a socket
// that nobody accepts on (left by a crashed server) is removed and
// replaced; a socket someone listens on, or any other kind of file, is
// refused, never removed.
//
// Throws wasinet::Error with one line naming the URL and the reason.
HostListener open_host_listener(const ListenSpec& spec, Network* network);

// Gives a guest the listener: a duplicate of its socket (the same kernel
// socket and accept queue) at the lowest free fd of ctx.fds, with
// rights::socket and the NONBLOCK flag, marked as shared (poll waits on it
// with EPOLLEXCLUSIVE). Returns the fd and the guest's Socket (which a
// drain tells to stop accepting). Throws wasinet::Error naming the URL
// when the fd cap leaves no room.
struct InsertedListener {
  wasi::Fd fd = 0;
  std::shared_ptr<Socket> socket;
};
InsertedListener insert_listener(wasi::Context& ctx, const HostListener& listener);

// Removes the socket file of a unix listener if the path still names the
// socket this host created (another process may have replaced it since).
// Async-signal-safe (lstat and unlink on a string that no longer changes).
void remove_socket_file(const HostListener& listener) noexcept;

// Backlog of preopened listeners: generous, as a server's would be; the
// kernel caps it at net.core.somaxconn.
inline constexpr int kPreopenedBacklog = 1024;

}  // namespace wasinet::net
