#pragma once
// Builds one guest's WASI context from a RunConfig: argv, environment,
// stdio on fds 0-2, the preopened directories from fd 3 in order (the
// user's, then the implicit /etc with the DNS files and the CA bundle's
// directory), then the preopened listening sockets (named to the guest by
// WASINET_LISTEN_FDS), and PWD when the config implies one.
#include <memory>
#include <vector>

#include "net/network.hh"
#include "net/preopened_listener.hh"
#include "wasi/context.hh"
#include "wasinet/config.hh"

namespace wasinet::runtime {

// What setup opened that the caller reports or cleans up.
struct SetupResult {
  std::vector<net::PreopenedListener> listeners;  // in the order of config.listeners
};

// `network` decides the guest's socket calls, the preopened listeners
// included (null: no network at all). Throws wasinet::Error naming the flag
// at fault (e.g. a --dir that does not exist, a --listen address in use).
// On a throw, socket files already created are removed again.
SetupResult setup_context(wasi::Context& ctx, const RunConfig& config,
                          std::shared_ptr<net::Network> network = net::unrestricted());

// Removes the socket files of unix listeners (call when the guest is done).
void remove_socket_files(const SetupResult& setup) noexcept;

// Rights of a preopened directory and of what is opened beneath it.
wasi::Rights preopen_rights_base(bool read_only);
wasi::Rights preopen_rights_inheriting(bool read_only);

}  // namespace wasinet::runtime
