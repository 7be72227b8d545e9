#include "net/policy/matcher.hh"

#include <arpa/inet.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "net/policy/named_sets.hh"
#include "wasinet/error.hh"

namespace wasinet::net::policy {
namespace {

namespace fs = std::filesystem;

bool is_unspecified(const Address& a) {
  const size_t n = a.family == Family::inet ? 4 : 16;
  return std::all_of(a.ip.begin(), a.ip.begin() + static_cast<long>(n), [](uint8_t b) { return b == 0; });
}

bool is_ip_literal(std::string_view name) {
  const std::string s(name);
  in6_addr a6{};
  in_addr a4{};
  return inet_pton(AF_INET, s.c_str(), &a4) == 1 || inet_pton(AF_INET6, s.c_str(), &a6) == 1;
}

bool outbound(Operation op) { return op == Operation::connect || op == Operation::send; }

Decision allow(std::string rule) {
  Decision d;
  d.allowed = true;
  d.rule = std::move(rule);
  return d;
}

Decision refuse(std::string reason, std::string rule = {}) {
  Decision d;
  d.reason = std::move(reason);
  d.rule = std::move(rule);
  return d;
}

// A rule path as the kernel will see it: absolute, symlinks of the part
// that exists resolved (so /tmp/link/app.sock and /real/app.sock agree).
std::string canonical_path(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) p = fs::absolute(path).lexically_normal();
  std::string s = p.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

Address normalise(const Address& a, Operation op) {
  Address u = a.unmapped();
  u.scope_id = 0;
  if (outbound(op) && (u.family == Family::inet || u.family == Family::inet6) && is_unspecified(u)) {
    if (u.family == Family::inet) return Address::ipv4({127, 0, 0, 1}, u.port);
    std::array<uint8_t, 16> one{};
    one[15] = 1;
    return Address::ipv6(one, u.port);
  }
  return u;
}

Matcher::Matcher(const NetPolicy& policy) : allow_dns_(policy.allow_dns) {
  auto compile = [](const char* flag, const std::vector<std::string>& texts,
                    std::vector<Compiled>& out) {
    for (const std::string& text : texts) {
      try {
        out.push_back({parse_rule(text), std::string(flag) + "=" + text});
      } catch (const Error& e) {
        throw Error(std::string(flag) + "=" + text + ": " + e.what());
      }
    }
  };
  compile("--allow-net", policy.allow_net, allow_out_);
  compile("--allow-listen", policy.allow_listen, allow_in_);
  compile("--deny-net", policy.deny_net, deny_);
  for (const std::string& path : policy.allow_unix) {
    if (path.empty()) throw Error("--allow-unix=: empty path");
    UnixGrant g;
    g.path = canonical_path(path);
    std::error_code ec;
    // A directory grants everything beneath it; a path that does not exist
    // yet is a socket file to be, unless written with a final '/'.
    g.directory = fs::is_directory(g.path, ec) || path.back() == '/';
    g.flag = "--allow-unix=" + path;
    unix_.push_back(std::move(g));
  }
}

Decision Matcher::decide(const Request& r, const Pins& pins) const {
  switch (r.op) {
    case Operation::open: return decide_open(r);
    case Operation::resolve: return decide_resolve(r);
    default: break;
  }
  if (r.family == Family::unix_ || (r.address && r.address->family == Family::unix_))
    return decide_unix(r);
  return decide_ip(r, pins);
}

// Opening a socket reaches nothing by itself: an unbound, unconnected
// socket sends and receives nothing, and every call that would (bind,
// connect, listen, send_to) is judged with its address. Refusing there
// rather than here lets the refusal name what the guest tried to reach.
Decision Matcher::decide_open(const Request&) const { return allow({}); }

Decision Matcher::decide_resolve(const Request& r) const {
  const bool host_lookup = r.network.starts_with("ip");
  if (!host_lookup) {
    // A service name ("http" → 80) is read from the host's services file
    // and sends nothing: allowed whenever the guest may use IP at all.
    if (!allow_out_.empty() || !allow_in_.empty() || allow_dns_) return allow("service lookup");
    return refuse("no --allow-net, --allow-listen or --allow-dns grant");
  }
  // An IP literal "resolves" to itself without asking anyone.
  if (is_ip_literal(r.name)) {
    if (!allow_out_.empty() || !allow_in_.empty() || allow_dns_) return allow("IP literal");
    return refuse("no --allow-net, --allow-listen or --allow-dns grant");
  }
  const std::string name = canonical_name(r.name);
  for (const Compiled& c : deny_)
    if (c.rule.matches_name(name)) return refuse("denied by " + c.flag, c.flag);
  if (allow_dns_) return allow("--allow-dns");
  for (const auto* list : {&allow_out_, &allow_in_})
    for (const Compiled& c : *list)
      if (c.rule.matches_name(name)) return allow(c.flag);
  return refuse("no --allow-net name rule matches; --allow-dns allows every lookup");
}

Decision Matcher::decide_unix(const Request& r) const {
  // Accepted peers of a unix listener are whoever could reach its file.
  if (r.op == Operation::accept) return allow("accepted peer");
  if (r.by_operator) return allow("--listen");
  if (r.host_path.empty()) return refuse("the host path is not known");
  const std::string_view p = r.host_path;
  for (const UnixGrant& g : unix_) {
    if (p == g.path) return allow(g.flag);
    if (g.directory && (g.path == "/" || (p.starts_with(g.path) && p.size() > g.path.size() &&
                                          p[g.path.size()] == '/')))
      return allow(g.flag);
  }
  return refuse("no --allow-unix path holds it");
}

Decision Matcher::decide_ip(const Request& r, const Pins& pins) const {
  if (!r.address) return refuse("no address to check");
  if (r.address->family != Family::inet && r.address->family != Family::inet6)
    return refuse("not an IP address");
  const Address a = normalise(*r.address, r.op);
  std::optional<Address> matched_as;
  if (!(a == r.address->unmapped())) matched_as = a;
  auto finish = [&](Decision d) {
    d.matched_as = matched_as;
    return d;
  };

  std::string via;
  for (const Compiled& c : deny_)
    if (matches(c, a, r.op, pins, /*deny=*/true, &via)) {
      Decision d = refuse("denied by " + c.flag, c.flag);
      d.via_name = via;
      return finish(d);
    }
  if (r.op == Operation::accept) return finish(allow("accepted peer"));
  if (r.by_operator) return finish(allow("--listen"));

  const bool out = outbound(r.op);
  for (const Compiled& c : out ? allow_out_ : allow_in_)
    if (matches(c, a, r.op, pins, /*deny=*/false, &via)) {
      Decision d = allow(c.flag);
      d.via_name = via;
      return finish(d);
    }
  return finish(refuse(out ? "no --allow-net rule matches" : "no --allow-listen rule matches"));
}

bool Matcher::matches(const Compiled& c, const Address& a, Operation op, const Pins& pins,
                      bool deny, std::string* via) const {
  const Rule& rule = c.rule;
  if (!rule.ports.contains(a.port)) return false;
  // Binding 0.0.0.0 or :: listens on every interface (:: on IPv4 ones
  // too): only a rule that names the unspecified address or everything
  // covers it, and either form grants both.
  if (!outbound(op) && is_unspecified(a)) {
    if (rule.kind == Rule::Kind::everything) return true;
    if (rule.kind != Rule::Kind::cidr) return false;
    return rule.cidr.contains(Address::ipv4({0, 0, 0, 0}, 0)) ||
           rule.cidr.contains(Address::ipv6({}, 0));
  }
  switch (rule.kind) {
    case Rule::Kind::everything: return true;
    case Rule::Kind::cidr: {
      if (rule.cidr.contains(a)) return true;
      // A deny rule also covers the IPv4 host a NAT64 address reaches.
      Address v4;
      return deny && nat64_embedded(a, v4) && rule.cidr.contains(v4);
    }
    case Rule::Kind::named_set: return in_named_set(rule.set, a);
    case Rule::Kind::host_name:
      return pins.any_name(a, [&](std::string_view n) { return rule.matches_name(n); }, via);
  }
  return false;
}

}  // namespace wasinet::net::policy
