#include "net/resolver.hh"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace wasinet::net {
namespace {

using wasi::Errno;

// Longest DNS name in text form (RFC 1035: 255 octets on the wire).
constexpr size_t kMaxHostLength = 253;
// Longer than any service name in /etc/services; keeps hostile input small.
constexpr size_t kMaxServiceLength = 64;

Errno errno_from_gai(int rc, int saved_errno) {
  switch (rc) {
    case EAI_NONAME:
    case EAI_NODATA:
    // A literal of the other version (e.g. "127.0.0.1" asked as ip6).
    case EAI_ADDRFAMILY:
      return Errno::noent;
    case EAI_AGAIN:
      return Errno::again;
    case EAI_MEMORY:
      return Errno::nomem;
    case EAI_SYSTEM:
      return saved_errno != 0 ? wasi::errno_from_host(saved_errno) : Errno::io;
    default:  // EAI_FAIL, and flag/family errors that would be our bug
      return Errno::io;
  }
}

struct AddrinfoDeleter {
  void operator()(addrinfo* ai) const { ::freeaddrinfo(ai); }
};

int family_for(IpVersion version) {
  switch (version) {
    case IpVersion::v4: return AF_INET;
    case IpVersion::v6: return AF_INET6;
    case IpVersion::any: break;
  }
  return AF_UNSPEC;
}

bool to_address(const addrinfo& ai, Address& out) {
  if (ai.ai_family == AF_INET && ai.ai_addrlen >= sizeof(sockaddr_in)) {
    const auto& sin = *reinterpret_cast<const sockaddr_in*>(ai.ai_addr);
    out.family = Family::inet;
    std::memcpy(out.ip.data(), &sin.sin_addr, 4);
    return true;
  }
  if (ai.ai_family == AF_INET6 && ai.ai_addrlen >= sizeof(sockaddr_in6)) {
    const auto& sin6 = *reinterpret_cast<const sockaddr_in6*>(ai.ai_addr);
    out.family = Family::inet6;
    std::memcpy(out.ip.data(), &sin6.sin6_addr, 16);
    out.scope_id = sin6.sin6_scope_id;
    return true;
  }
  return false;
}

// Ports of the commonest services, for hosts without /etc/services (many
// containers): a guest's "http" must not depend on the host's packages.
// Numbers from the IANA registry; the same for tcp and udp.
struct WellKnown {
  std::string_view name;
  uint16_t port;
};
constexpr WellKnown kWellKnown[] = {
    {"ftp", 21},    {"ssh", 22},     {"telnet", 23},  {"smtp", 25},  {"domain", 53},
    {"http", 80},   {"www", 80},     {"pop3", 110},   {"ntp", 123},  {"imap", 143},
    {"https", 443}, {"submission", 587}, {"imaps", 993}, {"pop3s", 995},
};

// "tcp", "udp" and Go's per-version spellings; the C name nss wants.
const char* service_protocol(std::string_view protocol) {
  if (protocol == "tcp" || protocol == "tcp4" || protocol == "tcp6") return "tcp";
  if (protocol == "udp" || protocol == "udp4" || protocol == "udp6") return "udp";
  return nullptr;
}

}  // namespace

// POSIX getaddrinfo for one host, addresses only. Errors: see resolver.hh;
// EAI_MEMORY → ENOMEM, EAI_SYSTEM → that errno.
wasi::Result<std::vector<Address>> resolve_host(std::string_view host, IpVersion version) {
  std::string_view name = host;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);  // rooted name
  if (name.empty() || name.size() > kMaxHostLength || host.find('\0') != std::string_view::npos)
    return Errno::inval;

  addrinfo hints{};
  hints.ai_family = family_for(version);
  // One socket type, or every address comes back once per type.
  hints.ai_socktype = SOCK_STREAM;
  // No AI_ADDRCONFIG: on a machine with only loopback configured it hides
  // every address, even ::1 and 127.0.0.1.
  hints.ai_flags = 0;

  const std::string c_host(host);
  addrinfo* raw = nullptr;
  errno = 0;
  const int rc = ::getaddrinfo(c_host.c_str(), nullptr, &hints, &raw);
  const int saved_errno = errno;
  std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
  if (rc != 0) return errno_from_gai(rc, saved_errno);

  std::vector<Address> out;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    Address a;
    if (!to_address(*ai, a)) continue;
    // Resolvers repeat an address (e.g. /etc/hosts and DNS both answer);
    // the first position is the one the resolver preferred.
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(std::move(a));
  }
  if (out.empty()) return Errno::noent;
  return out;
}

// POSIX getservbyname (reentrant form), or a number. Errors: see
// resolver.hh.
wasi::Result<uint16_t> resolve_service(std::string_view protocol, std::string_view service) {
  const char* proto = service_protocol(protocol);
  if (proto == nullptr || service.empty() || service.size() > kMaxServiceLength ||
      service.find('\0') != std::string_view::npos)
    return Errno::inval;

  if (std::all_of(service.begin(), service.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    uint32_t port = 0;
    for (char c : service) {
      port = port * 10 + static_cast<uint32_t>(c - '0');
      if (port > 65535) return Errno::inval;
    }
    return static_cast<uint16_t>(port);
  }

  const std::string c_service(service);
  std::vector<char> buf(1024);
  for (;;) {
    servent entry{};
    servent* found = nullptr;
    const int rc = ::getservbyname_r(c_service.c_str(), proto, &entry, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (rc == 0 && found != nullptr) return ntohs(static_cast<uint16_t>(found->s_port));
    break;  // not found, or the services database is unreadable
  }
  for (const WellKnown& w : kWellKnown)
    if (w.name == service) return w.port;
  return Errno::noent;
}

}  // namespace wasinet::net
