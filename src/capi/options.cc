// The guest options of the C API (wasinet.h, "guest options", "network
// policy", "limits"): a GuestOptions, filled as `wasinet run`'s flags fill
// it, checked as they are.
#include <fcntl.h>

#include <chrono>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "capi/handles.hh"
#include "capi/last_error.hh"
#include "wasinet/error.hh"
#include "wasinet/policy.hh"

using wasinet::capi::fail;
using wasinet::capi::guard;

namespace {

// Records the first option this build cannot honour yet.
void unsupported(wasinet_options_t* o, const char* what) {
  if (o && o->unsupported.empty()) o->unsupported = what;
}

const char* flag_of(wasinet_net_rule_kind_t kind) {
  switch (kind) {
    case WASINET_ALLOW_NET: return "--allow-net";
    case WASINET_DENY_NET: return "--deny-net";
    case WASINET_ALLOW_LISTEN: return "--allow-listen";
    case WASINET_ALLOW_UNIX: return "--allow-unix";
  }
  return nullptr;
}

std::vector<std::string>* rules_of(wasinet::NetPolicy& p, wasinet_net_rule_kind_t kind) {
  switch (kind) {
    case WASINET_ALLOW_NET: return &p.allow_net;
    case WASINET_DENY_NET: return &p.deny_net;
    case WASINET_ALLOW_LISTEN: return &p.allow_listen;
    case WASINET_ALLOW_UNIX: return &p.allow_unix;
  }
  return nullptr;
}

}  // namespace

extern "C" {

wasinet_options_t* wasinet_options_new(void) {
  auto* o = new (std::nothrow) wasinet_options;
  return o;
}

void wasinet_options_free(wasinet_options_t* options) { delete options; }

void wasinet_options_add_arg(wasinet_options_t* o, const char* arg) {
  if (o && arg) o->guest.argv.emplace_back(arg);
}

wasinet_status_t wasinet_options_add_env(wasinet_options_t* o, const char* kv) {
  if (!o || !kv) return fail(WASINET_ERROR_INVALID, "wasinet_options_add_env: NULL argument");
  const std::string_view s(kv);
  if (s.find('=') == std::string_view::npos || s.front() == '=')
    return fail(WASINET_ERROR_INVALID, "environment variable \"" + std::string(s) + "\": expected KEY=VALUE");
  o->guest.environ.emplace_back(s);
  return WASINET_OK;
}

void wasinet_options_add_dir(wasinet_options_t* o, const char* host, const char* guest, uint32_t flags) {
  if (!o || !host) return;
  o->guest.dirs.push_back({host, guest ? guest : host, (flags & WASINET_DIR_READ_ONLY) != 0});
}

void wasinet_options_add_dir_fd(wasinet_options_t* o, int dirfd, const char* guest, uint32_t flags) {
  if (!o || !guest) return;
  wasinet::os::UniqueFd dup(::fcntl(dirfd, F_DUPFD_CLOEXEC, 3));
  if (!dup) {
    // The failure surfaces at wasinet_guest_new, as a bad path would.
    o->guest.dirs.push_back({"/proc/self/fd/-1 (descriptor " + std::to_string(dirfd) + " is not open)", guest,
                             (flags & WASINET_DIR_READ_ONLY) != 0});
    return;
  }
  // The guest setup opens the directory by this path, which the kernel
  // resolves to the descriptor's directory wherever the process now is.
  o->guest.dirs.push_back({"/proc/self/fd/" + std::to_string(dup.get()), guest, (flags & WASINET_DIR_READ_ONLY) != 0});
  o->dir_fds.push_back(std::move(dup));
}

void wasinet_options_set_dns_files(wasinet_options_t* o, int on) {
  if (o) o->guest.dns_files = on != 0;
}

void wasinet_options_set_ca_certs(wasinet_options_t* o, int on) {
  if (o) o->guest.ca_certs = on != 0;
}

void wasinet_options_set_stdio(wasinet_options_t* o, int in, int out, int err) {
  if (in != 0 || out != 1 || err != 2) unsupported(o, "wasinet_options_set_stdio (stdio other than 0, 1, 2)");
}

wasinet_status_t wasinet_options_add_listen(wasinet_options_t* o, const char* url) {
  if (!o || !url) return fail(WASINET_ERROR_INVALID, "wasinet_options_add_listen: NULL argument");
  const std::string u(url);
  if (u.starts_with("unix://")) {
    const std::string path = u.substr(7);
    if (path.empty() || path.front() != '/')
      return fail(WASINET_ERROR_INVALID, "listen " + u + ": a unix URL names an absolute host path");
    o->guest.listeners.push_back(wasinet::ListenSpec::unix_socket(path));
    return WASINET_OK;
  }
  if (!u.starts_with("tcp://"))
    return fail(WASINET_ERROR_INVALID, "listen " + u + ": expected tcp://IP:PORT or unix:///PATH");
  std::string hostport = u.substr(6);
  const size_t colon = hostport.rfind(':');
  if (colon == std::string::npos) return fail(WASINET_ERROR_INVALID, "listen " + u + ": no port");
  std::string ip = hostport.substr(0, colon);
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  unsigned long port = 0;
  try {
    size_t used = 0;
    port = std::stoul(hostport.substr(colon + 1), &used);
    if (used != hostport.size() - colon - 1 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    return fail(WASINET_ERROR_INVALID, "listen " + u + ": the port is not a number from 0 to 65535");
  }
  o->guest.listeners.push_back(wasinet::ListenSpec::tcp(ip, static_cast<uint16_t>(port)));
  return WASINET_OK;
}

wasinet_status_t wasinet_options_add_listen_fd(wasinet_options_t* o, int) {
  unsupported(o, "wasinet_options_add_listen_fd (a listener by descriptor)");
  return WASINET_OK;
}

wasinet_status_t wasinet_options_add_net_rules(wasinet_options_t* o, wasinet_net_rule_kind_t kind,
                                               const char* rules) {
  if (!o || !flag_of(kind)) return fail(WASINET_ERROR_INVALID, "wasinet_options_add_net_rules: bad arguments");
  std::vector<std::string>* into = rules_of(o->guest.net, kind);
  if (!rules) {
    if (kind != WASINET_ALLOW_NET && kind != WASINET_ALLOW_LISTEN)
      return fail(WASINET_ERROR_INVALID, std::string(flag_of(kind)) + " needs rules (NULL means everything only for "
                                                                       "--allow-net and --allow-listen)");
    into->push_back("*");
    return WASINET_OK;
  }
  // Rules separated by commas, as after '=' in the flag; each checked now.
  wasinet::NetPolicy check;
  std::vector<std::string>* checked = rules_of(check, kind);
  std::string_view text(rules);
  do {
    const size_t comma = text.find(',');
    const std::string_view rule = text.substr(0, comma);
    if (rule.find_first_not_of(" \t") == std::string_view::npos)
      return fail(WASINET_ERROR_INVALID, std::string(flag_of(kind)) + "=" + rules + ": an empty rule");
    checked->emplace_back(rule);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty())
      return fail(WASINET_ERROR_INVALID, std::string(flag_of(kind)) + "=" + rules + ": an empty rule");
  } while (!text.empty());
  const wasinet_status_t s = guard(WASINET_ERROR_INVALID, [&] { wasinet::validate(check); });
  if (s != WASINET_OK) return s;
  into->insert(into->end(), checked->begin(), checked->end());
  return WASINET_OK;
}

void wasinet_options_set_allow_dns(wasinet_options_t* o, int on) {
  if (o) o->guest.net.allow_dns = on != 0;
}

wasinet_status_t wasinet_options_add_net_policy_file(wasinet_options_t* o, const char* path) {
  if (!o || !path) return fail(WASINET_ERROR_INVALID, "wasinet_options_add_net_policy_file: NULL argument");
  return guard(WASINET_ERROR_INVALID, [&] { wasinet::load_policy_file(path, o->guest.net); });
}

wasinet_status_t wasinet_options_add_net_policy_text(wasinet_options_t* o, const char* text, size_t len,
                                                     const char* format, const char* origin) {
  if (!o || (!text && len) || !format || !origin)
    return fail(WASINET_ERROR_INVALID, "wasinet_options_add_net_policy_text: NULL argument");
  return guard(WASINET_ERROR_INVALID, [&] {
    wasinet::load_policy_text(std::string_view(text ? text : "", len), format, origin, o->guest.net);
  });
}

wasinet_status_t wasinet_options_add_net_ceiling_text(wasinet_options_t* o, const char* text, size_t len,
                                                      const char* format, const char* origin) {
  if (!o || (!text && len) || !format || !origin)
    return fail(WASINET_ERROR_INVALID, "wasinet_options_add_net_ceiling_text: NULL argument");
  wasinet::NetCeiling ceiling;
  ceiling.origin = origin;
  const wasinet_status_t s = guard(WASINET_ERROR_INVALID, [&] {
    wasinet::load_policy_text(std::string_view(text ? text : "", len), format, origin, ceiling.policy);
  });
  if (s != WASINET_OK) return s;
  o->guest.net_ceilings.push_back(std::move(ceiling));
  return WASINET_OK;
}

void wasinet_options_set_net_log(wasinet_options_t* o, const char* path) {
  if (o) o->guest.net.log_file = path ? path : "";
}

void wasinet_options_set_print_refusals(wasinet_options_t* o, int on) {
  if (o) o->guest.net.print_refusals = on != 0;
}

void wasinet_options_set_max_fds(wasinet_options_t* o, uint64_t n) {
  if (o) o->guest.max_fds = static_cast<size_t>(n);
}

void wasinet_options_set_max_conns(wasinet_options_t* o, uint64_t n) {
  if (o) o->guest.max_conns = static_cast<size_t>(n);
}

void wasinet_options_set_max_memory(wasinet_options_t* o, uint64_t bytes) {
  if (o) o->guest.max_memory = bytes;
}

void wasinet_options_set_timeout_ms(wasinet_options_t* o, uint64_t ms) {
  if (o) o->guest.timeout = std::chrono::milliseconds(ms);
}

void wasinet_options_set_instances(wasinet_options_t* o, uint32_t n) {
  if (o) o->instances = n;
}

}  // extern "C"
