#include "net/policy/named_sets.hh"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace wasinet::net::policy {
namespace {

Cidr block(std::string_view text) {
  // Built from constants below; parse_rule does the checking.
  return parse_rule(text).cidr;
}

std::vector<Cidr> blocks(std::initializer_list<std::string_view> texts) {
  std::vector<Cidr> out;
  for (std::string_view t : texts) out.push_back(block(t));
  return out;
}

bool in_any(const std::vector<Cidr>& list, const Address& a) {
  return std::any_of(list.begin(), list.end(), [&](const Cidr& c) { return c.contains(a); });
}

const std::vector<Cidr>& loopback() {
  static const std::vector<Cidr> v = blocks({"127.0.0.0/8", "::1/128"});
  return v;
}

// RFC 1918 and IPv6 unique local addresses (RFC 4193).
const std::vector<Cidr>& private_blocks() {
  static const std::vector<Cidr> v = blocks({"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"});
  return v;
}

// 169.254.0.0/16 holds the cloud metadata service (169.254.169.254).
const std::vector<Cidr>& link_local() {
  static const std::vector<Cidr> v = blocks({"169.254.0.0/16", "fe80::/10"});
  return v;
}

// Everything of the IANA special-purpose registries that is not globally
// reachable, plus multicast and the ranges above.
const std::vector<Cidr>& not_public() {
  static const std::vector<Cidr> v = blocks({
      "0.0.0.0/8",           // "this network"
      "10.0.0.0/8",          // private
      "100.64.0.0/10",       // carrier-grade NAT (RFC 6598)
      "127.0.0.0/8",         // loopback
      "169.254.0.0/16",      // link-local, cloud metadata
      "172.16.0.0/12",       // private
      "192.0.0.0/24",        // IETF protocol assignments
      "192.0.2.0/24",        // documentation (TEST-NET-1)
      "192.88.99.0/24",      // 6to4 relay anycast (deprecated)
      "192.168.0.0/16",      // private
      "198.18.0.0/15",       // benchmarking
      "198.51.100.0/24",     // documentation (TEST-NET-2)
      "203.0.113.0/24",      // documentation (TEST-NET-3)
      "224.0.0.0/4",         // multicast
      "240.0.0.0/4",         // reserved, and 255.255.255.255 broadcast
      "64:ff9b:1::/48",      // local-use NAT64
      "100::/64",            // discard-only
      "2001::/23",           // IETF protocol assignments (Teredo, ORCHID, ...)
      "2001:db8::/32",       // documentation
      "2002::/16",           // 6to4: reaches whatever IPv4 address it embeds
      "3fff::/20",           // documentation
      "5f00::/16",           // segment routing SIDs
      "fc00::/7",            // unique local
      "fe80::/10",           // link-local
      "fec0::/10",           // site-local (deprecated)
      "ff00::/8",            // multicast
  });
  return v;
}

// IPv6 unicast that is globally routed at all lies in 2000::/3 (and NAT64).
const Cidr& global_unicast() {
  static const Cidr c = block("2000::/3");
  return c;
}

const Cidr& nat64() {
  static const Cidr c = block("64:ff9b::/96");
  return c;
}

}  // namespace

bool nat64_embedded(const Address& a, Address& out) {
  if (a.family != Family::inet6 || !nat64().contains(a)) return false;
  out = Address::ipv4({a.ip[12], a.ip[13], a.ip[14], a.ip[15]}, a.port);
  return true;
}

bool in_named_set(NamedSet set, const Address& a) {
  if (a.family != Family::inet && a.family != Family::inet6) return false;
  if (Address v4; nat64_embedded(a, v4)) return in_named_set(set, v4);
  switch (set) {
    case NamedSet::loopback: return in_any(loopback(), a);
    case NamedSet::private_: return in_any(private_blocks(), a);
    case NamedSet::link_local: return in_any(link_local(), a);
    case NamedSet::public_:
      if (a.family == Family::inet6 && !global_unicast().contains(a)) return false;
      return !in_any(not_public(), a);
  }
  return false;
}

}  // namespace wasinet::net::policy
