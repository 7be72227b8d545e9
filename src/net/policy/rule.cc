#include "net/policy/rule.hh"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <vector>

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

// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// "loopbak", "Private", "linklocal": a single-label name this close to a
// named set is a typo far more often than a host of that name, and as a
// name rule it would quietly allow (or deny) next to nothing. One slip, or
// two in the longer names (loopback, link-local): "publish" and "privacy"
// stay names. A final dot ("loopbak.") says it is a name.
void refuse_near_named_set(std::string_view host) {
  if (host.find('.') != std::string_view::npos) return;
  const std::string lower = canonical_name(host);
  for (NamedSet s : {NamedSet::loopback, NamedSet::private_, NamedSet::link_local, NamedSet::public_}) {
    const std::string_view set = named_set_name(s);
    const size_t slips = set.size() >= 8 ? 2 : 1;
    if (lower.size() > set.size() + slips) continue;  // longer names are never that close
    if (edit_distance(lower, set) <= slips)
      fail("\"" + std::string(host) + "\" looks like the named set " + std::string(set) + " (write " +
           std::string(set) + ", or " + std::string(host) + ". with a final dot for a host of that name)");
  }
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
  // Binding port 0 asks the system for a free port, and the socket then
  // listens on that one: a rule for port 0 alone would allow nothing it
  // gets. (Connecting to port 0 fails anyway.)
  if (has_ports && r.ports.high == 0)
    fail("\"" + std::string(text) + "\": port 0 in a rule means no port (a bind to port 0 gets a " +
         "free port the system picks, which the rule would not cover): write " +
         std::string(text.substr(0, text.rfind(':'))) + " for any port, or the exact port");
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
  refuse_near_named_set(host);
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
