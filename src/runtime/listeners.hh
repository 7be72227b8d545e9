#pragma once
// The listening sockets of a service (`--listen`), opened once and shared:
// every guest made from them (the instances of a service, and the next
// generation after a reload) gets its own fd for the same host socket.
#include <memory>
#include <vector>

#include "net/preopened_listener.hh"
#include "wasinet/config.hh"

namespace wasinet::runtime {

class Listeners {
 public:
  // Opens every spec in order, each asked of `network` first (null: no
  // network, so any spec is refused). Throws wasinet::Error naming the URL
  // at fault; socket files already created are removed again.
  Listeners(const std::vector<ListenSpec>& specs, net::Network* network);
  // Closes the host sockets and removes the unix socket files they made.
  ~Listeners();
  Listeners(const Listeners&) = delete;
  Listeners& operator=(const Listeners&) = delete;

  const std::vector<net::HostListener>& all() const noexcept { return listeners_; }
  bool empty() const noexcept { return listeners_.empty(); }

  // Removes the unix socket files now, for a process about to _exit (a
  // stuck guest, a second SIGINT): async-signal-safe.
  void remove_socket_files() const noexcept;

 private:
  std::vector<net::HostListener> listeners_;
};

}  // namespace wasinet::runtime
