#pragma once
// The one place that decides what a guest may do on the network.
//
// Every socket call of every ABI (wasinet_v0, preview1 sock_*, preopened
// listeners) goes through socket_calls.hh, which asks the guest's Network
// before it touches the host: may this socket be opened, bound, connected,
// may it listen, accept this peer, send to this address, resolve this name.
// `unrestricted()` allows everything; the policy (--allow-net and friends)
// is another implementation of the same interface.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/address.hh"
#include "wasi/result.hh"

namespace wasinet::net {

enum class Operation : uint8_t { open, bind, connect, listen, accept, send, resolve };
const char* operation_name(Operation op);

// One question to the Network. Which fields count depends on `op`:
//   open:     family, type
//   bind, connect, accept (peer), send (destination): family, type, address
//   listen:   family, type, address (where the socket is bound, when known)
//   resolve:  name (a host name or service), network ("ip", "ip4", "tcp", ...)
// Unix addresses carry the guest path; `host_path` is the host path it
// resolved to through the preopens (bind: the file bind would create),
// absolute and without symlinks, or empty when not known.
struct Request {
  Operation op = Operation::open;
  Family family = Family::inet;
  SocketType type = SocketType::stream;
  std::optional<Address> address;
  std::string_view name;
  std::string_view network;
  std::string_view host_path;
  // The operator asked for this (a --listen socket), not the guest: a
  // policy treats it as granted unless a deny rule matches.
  bool by_operator = false;
};

class Network {
 public:
  virtual ~Network() = default;

  // Success, or the errno the guest gets (EACCES for a refusal, as a
  // policy documents). An implementation that refuses logs one line on the
  // host naming the call, the address and the rule.
  virtual wasi::Status check(const Request& request) = 0;

  // Called after a successful resolve with what the guest was told, so a
  // policy can pin names to addresses. Default: nothing.
  virtual void resolved(std::string_view /*name*/, const std::vector<Address>& /*addresses*/) {}

  // Whether this Network may let the guest connect, send or resolve names
  // (NetPolicy::grants_outbound). Setup shows the guest the host's DNS
  // files and CA bundle only then. Default: no, so an implementation that
  // does not say gives the guest nothing it did not ask for.
  virtual bool grants_outbound() const { return false; }
};

// Allows every request.
std::shared_ptr<Network> unrestricted();

}  // namespace wasinet::net
