#pragma once
// The decision itself: a NetPolicy compiled once into rules, asked one
// Request at a time. Pure: no I/O, no errno; PolicyNetwork logs and
// answers the guest.
//
// In order: unix sockets against --allow-unix paths; for IP, the address is
// normalised (IPv4-mapped IPv6 as IPv4; 0.0.0.0 and :: as connect or send
// targets mean loopback, as the kernel takes them), deny rules are tried
// (deny wins), then the operator's own --listen sockets, then the grants
// of the direction: --allow-net for connect and send, --allow-listen for
// bind and listen. Accepted peers are allowed unless a deny rule matches.
#include <string>
#include <vector>

#include "net/network.hh"
#include "net/policy/pins.hh"
#include "net/policy/rule.hh"
#include "wasinet/policy.hh"

namespace wasinet::net::policy {

struct Decision {
  bool allowed = false;
  // The rule that decided, in flag form ("--allow-net=loopback",
  // "--deny-net=10.0.0.0/8", "--allow-dns", "--listen"), or empty.
  std::string rule;
  // Why, for a refusal ("no --allow-net rule matches").
  std::string reason;
  // A name rule matched through this pinned name.
  std::string via_name;
  // The address as matched, when it differs from the guest's (0.0.0.0 as
  // a connect target → 127.0.0.1).
  std::optional<Address> matched_as;
};

class Matcher {
 public:
  // Throws wasinet::Error naming the first malformed rule in flag form.
  explicit Matcher(const NetPolicy& policy);

  Decision decide(const Request& request, const Pins& pins) const;

 private:
  struct Compiled {
    Rule rule;
    std::string flag;  // "--allow-net=RULE"
  };
  struct UnixGrant {
    std::string path;  // absolute, symlinks resolved where the path exists
    bool directory = false;
    std::string flag;
  };

  Decision decide_open(const Request& r) const;  // always allowed
  Decision decide_resolve(const Request& r) const;
  Decision decide_unix(const Request& r) const;
  Decision decide_ip(const Request& r, const Pins& pins) const;
  bool matches(const Compiled& c, const Address& a, Operation op, const Pins& pins, bool deny,
               std::string* via) const;

  std::vector<Compiled> allow_out_;
  std::vector<Compiled> allow_in_;
  std::vector<Compiled> deny_;
  std::vector<UnixGrant> unix_;
  bool allow_dns_ = false;
};

// The address the kernel would use for `op`: IPv4-mapped as IPv4, and for
// connect and send the unspecified address as loopback.
Address normalise(const Address& a, Operation op);

}  // namespace wasinet::net::policy
