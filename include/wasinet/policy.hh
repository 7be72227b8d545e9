#pragma once
// What a guest may reach on the network: the operator's grants, as the
// flags of `wasinet run` (--allow-net, --deny-net, --allow-listen,
// --allow-unix, --allow-dns, --net-policy, --net-log) or a policy file, and
// the same object for programs that embed wasinet (GuestOptions::net,
// wasinet/config.hh). docs/network-policy.md has the rules.
//
// Deny by default: an empty NetPolicy lets the guest make no network call
// at all (files and stdio work as before).
//
// A RULE is one of
//   *                              every address and every host name
//   10.0.0.0/8, [fd00::/8]:443     a CIDR block, with optional ports
//   127.0.0.1:8000-8100, [::1]:443 an address, with optional port or range
//   *.example.com:443, localhost   a host name or wildcard, optional ports;
//                                  enforced by pinning (an IP matches only
//                                  when this guest resolved an allowed name
//                                  to it)
//   loopback, private, link-local, public
//                                  named sets, optional ports (public:443)
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wasinet {

namespace net {
class Network;  // decides every socket call of a guest (src/net/network.hh)
}

// Aggregate: `NetPolicy{.allow_net = {"loopback"}}` works.
struct NetPolicy {
  // Outbound: connect, and send_to on datagram sockets. "*" is everything
  // (`--allow-net` without a value), including every name lookup.
  std::vector<std::string> allow_net = {};
  // Refused whatever else allows them: outbound, inbound and accepted peers.
  std::vector<std::string> deny_net = {};
  // Inbound: bind and listen. "*" is every address (`--allow-listen`).
  std::vector<std::string> allow_listen = {};
  // Host paths of unix sockets, or directories of them (everything beneath
  // them): bind, connect, listen and send_to on unix sockets.
  std::vector<std::string> allow_unix = {};
  // Resolve any host name (by default only names a name rule could allow).
  bool allow_dns = false;
  // Every decision, allowed or denied, as one JSON object per line
  // (appended). Empty: none.
  std::filesystem::path log_file = {};
  // One line on stderr for each refusal ("wasinet: denied connect to ...").
  bool print_refusals = true;
  // The guest index written as "guest" in every log_file line (an
  // instance's index; GuestOptions::instance sets it).
  size_t log_guest = 0;

  // Whether anything at all is granted.
  bool empty() const noexcept {
    return allow_net.empty() && allow_listen.empty() && allow_unix.empty() && !allow_dns;
  }

  // Whether the guest may reach out: connect or send somewhere (any
  // allow_net rule, names included) or resolve any name (allow_dns). Only
  // such a guest is shown the host's DNS files and CA bundle
  // (GuestOptions::dns_files, ca_certs): a guest granted nothing, or only
  // inbound (allow_listen) or unix sockets, sees exactly its own fds and
  // environment. docs/networking.md, "What a guest sees".
  bool grants_outbound() const noexcept { return !allow_net.empty() || allow_dns; }
};

// A bound on every other grant of a guest (the containerd shim's node
// policy): a call is allowed only when the guest's policy and every
// ceiling allow it; operator grants (--listen) are bounded too. Its
// log_file and print_refusals are not used: refusals are logged by the
// guest's policy, naming `origin`.
struct NetCeiling {
  NetPolicy policy;
  std::string origin;  // "/etc/wasinet/node-policy.toml"
};

// Checks every rule; throws wasinet::Error with one line naming the first
// malformed one, in flag form ("--allow-net=10.0.0.0/33: ...").
void validate(const NetPolicy& policy);

// The Network that enforces `policy`, for one guest (it keeps that guest's
// resolved names for pinning). Validates first (see validate); throws
// wasinet::Error when the log file cannot be opened.
std::shared_ptr<net::Network> policy_network(const NetPolicy& policy,
                                             const std::vector<NetCeiling>& ceilings = {});

// Reads a policy file, TOML (.toml) or JSON (anything else), and adds its
// rules to `into` (rules are merged; allow-dns is or-ed; net-log is taken
// unless `into` has one). Keys, as the flags: "allow-net", "deny-net",
// "allow-listen", "allow-unix" (arrays of rule strings; allow-net and
// allow-listen may also be `true` for everything), "allow-dns" (bool),
// "net-log" (string). Relative paths are taken from the file's directory.
// Throws wasinet::Error naming the file and what is wrong (unknown key,
// wrong type, malformed rule).
void load_policy_file(const std::filesystem::path& file, NetPolicy& into);

// The same from memory: `format` "toml" or "json"; `origin` names the text
// in messages ("ConfigMap app-policy"). A relative path in it is an error:
// there is no directory to resolve it against.
void load_policy_text(std::string_view text, std::string_view format, const std::string& origin,
                      NetPolicy& into);

}  // namespace wasinet
