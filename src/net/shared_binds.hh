#pragma once
// The TCP ports the guests of one service listen on themselves (a guest
// that calls bind and listen, as http.ListenAndServe does), kept as ONE
// kernel socket per address: the first guest to listen there makes it, and
// every other guest listening on the same address, now or in a later
// generation, gets a duplicate of it (the same accept queue), as with
// --listen. So a reload never closes a queue with connections waiting in
// it (closing a SO_REUSEPORT socket resets those), and the kernel spreads
// nothing: a new connection wakes one waiting guest (EPOLLEXCLUSIVE).
// The service holds each socket until it ends. docs/serving.md.
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "os/unique_fd.hh"

namespace wasinet::net {

class SharedBinds {
 public:
  // The addresses kept at most. Each holds a host fd outside every guest's
  // fd cap for as long as the service runs, so a guest that listens on
  // port after port must not exhaust the host's: beyond this, a guest
  // listens on its own socket, as without a service.
  static constexpr size_t kMaxAddresses = 64;

  // What a guest listening on `address` ("127.0.0.1:8080", "[::]:8080")
  // with its socket `own_fd` (bound there, SO_REUSEPORT) listens on, under
  // one lock so that two guests starting at once never end up with two
  // queues: a duplicate of the service's socket there when there is one;
  // otherwise `own_fd` is made to listen (backlog) and becomes that socket
  // (nullopt; `error` is the host errno when listen fails, else 0). With
  // kMaxAddresses kept already, `own_fd` listens and is not kept.
  std::optional<os::UniqueFd> listen_or_share(const std::string& address, int own_fd, int backlog,
                                              int& error);

 private:
  mutable std::mutex mu_;
  std::map<std::string, os::UniqueFd> sockets_;
};

}  // namespace wasinet::net
