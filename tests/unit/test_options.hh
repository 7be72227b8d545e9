#pragma once
// GuestOptions as the unit tests start from: exactly the fds a test lists
// (no implicit /etc or CA bundle), every network call allowed unless the
// test says otherwise, and a fixed fd cap of 1024 (not the host's limit).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "net/network.hh"
#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "wasinet/config.hh"

namespace wasinet::testkit {

inline GuestOptions test_options(std::string argv0 = "test.wasm", std::vector<std::string> args = {}) {
  GuestOptions o;
  o.argv.push_back(std::move(argv0));
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.dns_files = false;
  o.ca_certs = false;
  o.max_fds = 1024;
  o.network = net::unrestricted();
  return o;
}

// A context from `options` without listeners, its network as they say.
inline void setup_test_context(wasi::Context& ctx, const GuestOptions& options) {
  runtime::setup_context(ctx, options, runtime::guest_network(options));
}

}  // namespace wasinet::testkit
