#pragma once
// The named sets of addresses a rule may use: loopback, private,
// link-local, public (docs/network-policy.md lists their blocks).
#include "net/address.hh"
#include "net/policy/rule.hh"

namespace wasinet::net::policy {

// `a` is an inet or inet6 address, already unmapped (Address::unmapped).
// A NAT64 address (64:ff9b::/96) belongs where its embedded IPv4 address
// does: that is the host it reaches.
bool in_named_set(NamedSet set, const Address& a);

// The IPv4 address inside a NAT64 address (64:ff9b::a.b.c.d), if `a` is one.
bool nat64_embedded(const Address& a, Address& out);

}  // namespace wasinet::net::policy
