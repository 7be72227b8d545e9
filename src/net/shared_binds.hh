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
  // A duplicate of the socket listening on `address` ("127.0.0.1:8080",
  // "[::]:8080"), if a guest of the service listens there.
  std::optional<os::UniqueFd> duplicate(const std::string& address) const;
  // Keeps a duplicate of `listening_fd` as the socket of `address`, unless
  // one is kept already. Thread-safe, as duplicate().
  void keep(const std::string& address, int listening_fd);

 private:
  mutable std::mutex mu_;
  std::map<std::string, os::UniqueFd> sockets_;
};

}  // namespace wasinet::net
