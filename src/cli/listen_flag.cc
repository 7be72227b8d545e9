#include "cli/listen_flag.hh"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <string_view>

#include "wasinet/error.hh"

namespace wasinet::cli {
namespace {

constexpr std::string_view kTcp = "tcp://";
constexpr std::string_view kUnix = "unix://";
constexpr const char* kForms = "expected tcp://IP:PORT, tcp://[IPv6]:PORT or unix:///PATH";

[[noreturn]] void fail(const std::string& value, const std::string& why) {
  throw Error("--listen " + value + ": " + why);
}

uint16_t parse_port(const std::string& value, std::string_view text) {
  if (text.empty()) fail(value, std::string("missing port (use :0 to let the system choose); ") + kForms);
  if (text.size() > 5) fail(value, "port " + std::string(text) + " is out of range (0-65535)");
  unsigned port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') fail(value, "port " + std::string(text) + " is not a number");
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) fail(value, "port " + std::string(text) + " is out of range (0-65535)");
  return static_cast<uint16_t>(port);
}

ListenSpec parse_tcp(const std::string& value, std::string_view rest) {
  ListenSpec spec;
  spec.kind = ListenSpec::Kind::tcp;
  std::string_view host, port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) fail(value, "missing ] after the IPv6 address");
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (after.empty() || after.front() != ':') fail(value, std::string("missing :PORT after ]; ") + kForms);
    port = after.substr(1);
    in6_addr a6{};
    if (!host.empty() && host.find('%') != std::string_view::npos)
      fail(value, "IPv6 zones (%...) are not supported; name a global or loopback address");
    if (inet_pton(AF_INET6, std::string(host).c_str(), &a6) != 1)
      fail(value, "\"" + std::string(host) + "\" is not an IPv6 address");
    char text[INET6_ADDRSTRLEN];
    spec.ip = inet_ntop(AF_INET6, &a6, text, sizeof text);
  } else {
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) fail(value, std::string("missing :PORT; ") + kForms);
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      fail(value, "an IPv6 address goes in brackets, e.g. tcp://[::1]:8080");
    if (host.empty()) fail(value, "missing address (e.g. tcp://127.0.0.1:8080, or 0.0.0.0 for all)");
    in_addr a4{};
    if (inet_pton(AF_INET, std::string(host).c_str(), &a4) != 1)
      fail(value, "\"" + std::string(host) +
                      "\" is not an IP address (host names are not resolved here; use e.g. "
                      "127.0.0.1 or [::1])");
    char text[INET_ADDRSTRLEN];
    spec.ip = inet_ntop(AF_INET, &a4, text, sizeof text);
  }
  if (port.find_first_of("/?#") != std::string_view::npos)
    fail(value, std::string("unexpected path or query after the port; ") + kForms);
  spec.port = parse_port(value, port);
  return spec;
}

ListenSpec parse_unix(const std::string& value, std::string_view path) {
  ListenSpec spec;
  spec.kind = ListenSpec::Kind::unix_;
  if (path.empty() || path.front() != '/')
    fail(value, "the socket path must be absolute: unix:///PATH (three slashes)");
  if (path.back() == '/') fail(value, "the socket path names a directory, not a socket file");
  // sun_path holds the path and its NUL: the host binds this path directly.
  if (path.size() >= sizeof(sockaddr_un{}.sun_path))
    fail(value, "the socket path is longer than " + std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                    " bytes, the limit of a unix socket address");
  if (path.find('\0') != std::string_view::npos) fail(value, "the socket path holds a NUL byte");
  spec.path = std::string(path);
  return spec;
}

}  // namespace

ListenSpec parse_listen_flag(const std::string& value) {
  std::string_view v = value;
  if (v.starts_with(kTcp)) return parse_tcp(value, v.substr(kTcp.size()));
  if (v.starts_with(kUnix)) return parse_unix(value, v.substr(kUnix.size()));
  const size_t scheme_end = v.find("://");
  if (scheme_end != std::string_view::npos)
    fail(value, "unsupported scheme \"" + std::string(v.substr(0, scheme_end)) +
                    "\" (only tcp and unix listeners are supported); " + kForms);
  if (v.empty()) fail(value, std::string("empty value; ") + kForms);
  const std::string hint = v.front() == '/' ? "unix://" + value : "tcp://" + value;
  fail(value, "missing scheme (did you mean " + hint + "?); " + kForms);
}

}  // namespace wasinet::cli
