#pragma once
// Builds one guest's WASI context from its GuestOptions: argv,
// environment, stdio on fds 0-2, the preopened directories from fd 3 in
// order (the user's, then the implicit /etc with the DNS files and the CA
// bundle's directory), then the listening sockets (named to the guest by
// WASINET_LISTEN_FDS), PWD when the options imply one, the network, the fd
// and connection caps and the retry guard. runtime::Guest (guest.hh) is
// the one caller outside the tests.
#include <memory>
#include <vector>

#include "net/network.hh"
#include "runtime/listeners.hh"
#include "wasi/context.hh"
#include "wasinet/config.hh"

namespace wasinet::runtime {

// The Network that decides the guest's socket calls: options.network when
// set, else the policy options.net (empty: everything refused).
std::shared_ptr<net::Network> guest_network(const GuestOptions& options);

// Everything but the listeners. `network` decides the guest's socket
// calls (null: no network at all). `listeners_to_come`: how many
// listeners add_listeners() will add, which the implicit directories give
// way to under a tight fd cap. Throws wasinet::Error naming the option at
// fault (e.g. a --dir that does not exist).
void setup_context(wasi::Context& ctx, const GuestOptions& options,
                   std::shared_ptr<net::Network> network, size_t listeners_to_come = 0);

// Hands the guest the listeners, after every directory, and names their
// fds in WASINET_LISTEN_FDS; returns them, in order.
std::vector<net::InsertedListener> add_listeners(wasi::Context& ctx, const Listeners& listeners);

// Rights of a preopened directory and of what is opened beneath it.
wasi::Rights preopen_rights_base(bool read_only);
wasi::Rights preopen_rights_inheriting(bool read_only);

}  // namespace wasinet::runtime
