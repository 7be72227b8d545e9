#include "net/policy/rule.hh"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#include "wasinet/error.hh"

namespace wasinet::net::policy {
namespace {

[[noreturn]] void fail(const std::string& why) { throw Error(why); }

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

uint16_t parse_port_number(std::string_view text, std::string_view whole) {
  if (!all_digits(text) || text.size() > 5)
    fail("port \"" + std::string(text) + "\" is not a number from 0 to 65535 (in \"" +
         std::string(whole) + "\")");
  unsigned v = 0;
  for (char c : text) v = v * 10 + static_cast<unsigned>(c - '0');
  if (v > 65535) fail("port " + std::string(text) + " is out of range (0-65535)");
  return static_cast<uint16_t>(v);
}

// "443", "8000-8100" or "*".
PortRange parse_ports(std::string_view text) {
  if (text.empty()) fail("missing port after ':'");
  if (text == "*") return {};
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    const uint16_t p = parse_port_number(text, text);
    return {p, p};
  }
  const uint16_t low = parse_port_number(text.substr(0, dash), text);
  const uint16_t high = parse_port_number(text.substr(dash + 1), text);
  if (low > high)
    fail("port range " + std::string(text) + " is empty (the first port is above the last)");
  return {low, high};
}

// An IP literal, or nothing. Zones are refused: a rule names addresses,
// not interfaces.
bool parse_ip(std::string_view text, Cidr& out) {
  if (text.find('%') != std::string_view::npos)
    fail("IPv6 zones (%...) are not supported in rules: \"" + std::string(text) + "\"");
  const std::string s(text);
  in_addr a4{};
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    out.family = Family::inet;
    out.ip = {};
    std::memcpy(out.ip.data(), &a4, 4);
    out.prefix = 32;
    return true;
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    out.family = Family::inet6;
    std::memcpy(out.ip.data(), &a6, 16);
    out.prefix = 128;
    return true;
  }
  return false;
}

// Host bits must be zero: "10.1.2.3/8" is more likely a mistake than a
// wish for 10.0.0.0/8.
void check_host_bits(const Cidr& c, std::string_view text) {
  const unsigned bytes = c.family == Family::inet ? 4 : 16;
  for (unsigned bit = c.prefix; bit < bytes * 8; ++bit) {
    if (c.ip[bit / 8] & (0x80 >> (bit % 8))) {
      Cidr fixed = c;
      for (unsigned b = c.prefix; b < bytes * 8; ++b) fixed.ip[b / 8] &= ~(0x80 >> (b % 8));
      char buf[INET6_ADDRSTRLEN] = {};
      inet_ntop(c.family == Family::inet ? AF_INET : AF_INET6, fixed.ip.data(), buf, sizeof buf);
      fail("\"" + std::string(text) + "\" has bits set after the prefix (did you mean " + buf + "/" +
           std::to_string(c.prefix) + "?)");
    }
  }
}

Cidr parse_cidr(std::string_view text) {
  const size_t slash = text.find('/');
  Cidr c;
  const std::string_view ip = text.substr(0, slash);
  if (!parse_ip(ip, c)) fail("\"" + std::string(ip) + "\" is not an IP address (in the block \"" +
                             std::string(text) + "\")");
  if (slash == std::string_view::npos) return c;
  const std::string_view len = text.substr(slash + 1);
  const unsigned max = c.family == Family::inet ? 32 : 128;
  if (!all_digits(len) || len.size() > 3 || std::stoul(std::string(len)) > max)
    fail("prefix length \"" + std::string(len) + "\" is not a number from 0 to " +
         std::to_string(max) + " (in \"" + std::string(text) + "\")");
  c.prefix = static_cast<unsigned>(std::stoul(std::string(len)));
  check_host_bits(c, text);
  return c;
}

// IPv4-mapped blocks as IPv4: the kernel treats ::ffff:a.b.c.d as a.b.c.d,
// and addresses are matched after the same unmapping.
Cidr unmap(Cidr c) {
  if (c.family != Family::inet6 || c.prefix < 96 ||
      !std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), c.ip.begin()))
    return c;
  Cidr v4;
  v4.family = Family::inet;
  std::copy(c.ip.begin() + 12, c.ip.end(), v4.ip.begin());
  v4.prefix = c.prefix - 96;
  return v4;
}

bool label_ok(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

void check_host_name(std::string_view name, std::string_view text) {
  if (name.size() > 253) fail("host name \"" + std::string(text) + "\" is longer than 253 bytes");
  std::string_view rest = name;
  std::string_view last;
  while (true) {
    const size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (label.find('*') != std::string_view::npos)
      fail("\"" + std::string(text) + "\": '*' is allowed only as the whole first label (*.example.com)");
    if (!label_ok(label))
      fail("\"" + std::string(text) +
           "\" is not an IP address, CIDR block, named set (loopback, private, link-local, public) "
           "or host name");
    last = label;
    if (dot == std::string_view::npos) break;
    rest = rest.substr(dot + 1);
  }
  // "10.0.0.256", "127.1": an address someone mistyped, never a name.
  if (all_digits(last))
    fail("\"" + std::string(text) + "\" is not a valid IP address (and a host name cannot end in a number)");
}

bool parse_named_set(std::string_view word, NamedSet& out) {
  if (word == "loopback") out = NamedSet::loopback;
  else if (word == "private") out = NamedSet::private_;
  else if (word == "link-local") out = NamedSet::link_local;
  else if (word == "public") out = NamedSet::public_;
  else return false;
  return true;
}

}  // namespace

bool Cidr::contains(const Address& a) const noexcept {
  if (a.family != family) return false;
  unsigned full = prefix / 8;
  if (!std::equal(ip.begin(), ip.begin() + full, a.ip.begin())) return false;
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip[full] & mask) == (a.ip[full] & mask);
}

const char* named_set_name(NamedSet s) {
  switch (s) {
    case NamedSet::loopback: return "loopback";
    case NamedSet::private_: return "private";
    case NamedSet::link_local: return "link-local";
    case NamedSet::public_: return "public";
  }
  return "?";
}

std::string canonical_name(std::string_view host) {
  std::string s(host);
  if (!s.empty() && s.back() == '.') s.pop_back();
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Rule::matches_name(std::string_view host) const {
  if (kind == Kind::everything) return true;
  if (kind != Kind::host_name) return false;
  if (!wildcard) return host == name;
  // "*.example.com" covers "a.example.com" and "a.b.example.com", not
  // "example.com" nor "badexample.com".
  return host.size() > name.size() + 1 && host.ends_with(name) &&
         host[host.size() - name.size() - 1] == '.';
}

Rule parse_rule(std::string_view text) {
  Rule r;
  r.text = std::string(text);
  if (text.empty()) fail("empty rule");
  if (text.find_first_of(" \t\r\n") != std::string_view::npos)
    fail("\"" + std::string(text) + "\" holds white space");

  std::string_view host = text;
  std::string_view ports;
  bool has_ports = false;
  if (text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) fail("\"" + std::string(text) + "\": missing ']'");
    host = text.substr(1, close - 1);
    const std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        fail("\"" + std::string(text) + "\": expected :PORT after ']'");
      ports = after.substr(1);
      has_ports = true;
    }
    if (host.find(':') == std::string_view::npos)
      fail("\"" + std::string(text) + "\": brackets are for IPv6 addresses ([::1]:443)");
  } else {
    const size_t colons = static_cast<size_t>(std::count(text.begin(), text.end(), ':'));
    if (colons == 1) {
      const size_t colon = text.find(':');
      host = text.substr(0, colon);
      ports = text.substr(colon + 1);
      has_ports = true;
    }
    // Two or more: a bare IPv6 address or block, which cannot carry a
    // port without brackets.
  }
  if (has_ports) r.ports = parse_ports(ports);
  if (host.empty()) fail("\"" + std::string(text) + "\": missing address or name before the port");

  if (host == "*") {
    r.kind = Rule::Kind::everything;
    return r;
  }
  if (host.find(':') != std::string_view::npos || host.find('/') != std::string_view::npos ||
      std::isdigit(static_cast<unsigned char>(host.front())) || host.front() == ':') {
    Cidr c;
    if (host.find('/') != std::string_view::npos || parse_ip(host, c)) {
      r.kind = Rule::Kind::cidr;
      r.cidr = unmap(parse_cidr(host));
      return r;
    }
  }
  if (host.find(':') != std::string_view::npos)
    fail("\"" + std::string(text) + "\" is not an IPv6 address (an IPv6 address with a port goes in " +
         "brackets: [::1]:443)");
  if (parse_named_set(host, r.set)) {
    r.kind = Rule::Kind::named_set;
    return r;
  }
  std::string name = canonical_name(host);
  if (name.starts_with("*.")) {
    r.wildcard = true;
    name.erase(0, 2);
  }
  check_host_name(name, text);
  r.kind = Rule::Kind::host_name;
  r.name = std::move(name);
  return r;
}

}  // namespace wasinet::net::policy
