#include "runtime/instance_setup.hh"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/counters.hh"
#include "net/network.hh"
#include "net/preopened_listener.hh"
#include "wasinet/policy.hh"
#include "net/retry_guard.hh"
#include "runtime/fd_limit.hh"
#include "runtime/system_files.hh"
#include "wasi/directory.hh"
#include "wasi/stdio.hh"
#include "wasinet/error.hh"

namespace wasinet::runtime {
namespace {

using namespace wasi;

// The guest gets its own descriptors for stdio so that closing them never
// closes the host's; a closed host stdio becomes /dev/null.
os::UniqueFd dup_stdio(int fd) {
  int d = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (d < 0) d = ::open("/dev/null", (fd == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
  return os::UniqueFd(d);
}

void add_stdio(Context& ctx, int host_fd, bool whole_lines) {
  auto object = std::make_shared<Stdio>(dup_stdio(host_fd), ctx.wake);
  if (whole_lines && host_fd > 0) object->write_whole_lines();
  FdEntry e;
  const bool file = object->filetype() == Filetype::regular_file;
  e.rights_base = file ? rights::regular_file : rights::tty;
  e.object = std::move(object);
  auto fd = ctx.fds.insert(std::move(e));
  if (!fd.ok() || *fd != static_cast<Fd>(host_fd)) throw Error("cannot set up stdio");
}

// `reserve`: fds to leave free for the --listen sockets that follow. Only
// the fd cap can refuse a preopen (it is no connection), so the message
// names the cap. (Set up in order, the table has no holes: end() is the
// number of fds.)
void add_preopen(Context& ctx, std::shared_ptr<Directory> dir, const std::string& guest,
                 bool read_only, size_t reserve = 0) {
  FdEntry e;
  e.object = std::move(dir);
  e.rights_base = preopen_rights_base(read_only);
  e.rights_inheriting = preopen_rights_inheriting(read_only);
  e.preopen_name = guest;
  if (static_cast<size_t>(ctx.fds.end()) + reserve >= ctx.fds.max_fds() || !ctx.fds.insert(std::move(e)).ok())
    throw Error("--max-fds " + std::to_string(ctx.fds.max_fds()) + " leaves no fd for the preopened directory " +
                guest +
                (reserve == 0   ? ""
                 : reserve == 1 ? " besides the --listen socket"
                                : " besides the " + std::to_string(reserve) + " --listen sockets"));
}

// Whether the user maps one of `guest_paths` themselves: then they decide
// what the guest sees there, and no implicit preopen goes on top.
bool maps_any(const std::vector<DirMapping>& dirs, std::initializer_list<std::string_view> guest_paths) {
  for (const DirMapping& d : dirs) {
    std::string g = d.guest;
    while (g.size() > 1 && g.back() == '/') g.pop_back();
    for (std::string_view p : guest_paths)
      if (g == p) return true;
  }
  return false;
}

bool has_env(const std::vector<std::string>& environ, std::string_view name) {
  for (const std::string& kv : environ)
    if (kv.size() > name.size() && kv.compare(0, name.size(), name) == 0 && kv[name.size()] == '=')
      return true;
  return false;
}

// A directory the host adds of its own accord, opened but not yet given an
// fd, and the variable that names it to the guest (if any).
struct ImplicitDir {
  std::shared_ptr<Directory> dir;
  std::string guest;
  std::string env;
  std::string missing;  // the warning when it cannot be added: "the guest gets no ..." 
};

ImplicitDir open_implicit(const DirMapping& m, std::string missing, std::string env = {}) {
  return {Directory::open_host(m.host, true), m.guest, std::move(env), std::move(missing)};
}

// Adds an implicit directory, or warns that the guest goes without it: it
// was not asked for, so a --max-fds too small for it is no reason to stop.
// `reserve`: as add_preopen. Returns whether it was added.
bool add_implicit(Context& ctx, ImplicitDir& d, size_t reserve) {
  try {
    add_preopen(ctx, std::move(d.dir), d.guest, true, reserve);
  } catch (const Error& e) {
    std::fprintf(stderr, "wasinet: warning: %s: %s\n", d.missing.c_str(), e.what());
    return false;
  }
  if (!d.env.empty()) ctx.environ.push_back(std::move(d.env));
  return true;
}

// The host's /etc/hosts and /etc/resolv.conf, read-only, in a private
// directory seen as /etc (system_files.hh): Go's resolver reads them, and
// the rest of the host's /etc stays hidden. Missing them is no reason not
// to run the guest: warn and go on.
std::optional<ImplicitDir> dns_files_dir() {
  try {
    std::optional<DirMapping> etc = dns_files_preopen();
    if (etc) return open_implicit(*etc, "the guest gets no /etc/hosts or /etc/resolv.conf");
  } catch (const Error& e) {
    std::fprintf(stderr, "wasinet: warning: the guest gets no /etc/hosts or /etc/resolv.conf: %s\n",
                 e.what());
  }
  return std::nullopt;
}

// The host's CA bundle, read-only, as /etc/ssl/certs/ca-certificates.crt,
// and SSL_CERT_FILE naming it, so HTTPS verifies out of the box (Go on
// wasip1 has no default certificate locations). The guest's own
// SSL_CERT_FILE (from --env) wins and is left alone; then so is the mount.
std::optional<ImplicitDir> ca_certs_dir(const std::vector<std::string>& environ) {
  if (has_env(environ, "SSL_CERT_FILE")) return std::nullopt;
  std::optional<std::filesystem::path> bundle = host_ca_bundle();
  if (!bundle) return std::nullopt;  // nothing to give: HTTPS fails verification in the guest, as on such a host
  try {
    std::optional<DirMapping> certs = ca_certs_preopen(*bundle);
    if (certs)
      return open_implicit(*certs, "the guest gets no CA certificates", std::string("SSL_CERT_FILE=") + kGuestCaFile);
    std::fprintf(stderr, "wasinet: warning: the guest gets no CA certificates: %s does not exist\n",
                 bundle->c_str());
  } catch (const Error& e) {
    std::fprintf(stderr, "wasinet: warning: the guest gets no CA certificates: %s\n", e.what());
  }
  return std::nullopt;
}

// When the guest works in "/" (no --dir, or a relative first one) and no
// --dir is seen there, an empty read-only "/" makes that directory exist:
// Go's os.Getwd stats it, and a relative name that is nowhere gets ENOENT.
// Without it, PWD=/ still keeps Go out of /etc.
void add_empty_root(Context& ctx, size_t reserve) {
  constexpr const char* kMissing = "the guest's working directory / is not there";
  bool added = false;
  try {
    ImplicitDir root = open_implicit(empty_root_preopen(), kMissing);
    added = add_implicit(ctx, root, reserve);
  } catch (const Error& e) {
    std::fprintf(stderr, "wasinet: warning: %s: %s\n", kMissing, e.what());
  }
  if (!added && !has_env(ctx.environ, "PWD")) ctx.environ.push_back("PWD=/");
}

// The user's directories first, then the implicit ones: Go takes the first
// preopen as its working directory unless PWD says otherwise, and it must
// never be /etc. options.working_dir ("/" for a relative first --dir) goes
// to the guest as PWD. A PWD the operator set is left alone, and then so is
// everything else here about the working directory. The implicit ones give
// way to the listeners (which the operator asked for) under a tight
// --max-fds.
void add_directories(Context& ctx, const GuestOptions& options, size_t reserve) {
  for (const DirMapping& d : options.dirs) {
    std::shared_ptr<Directory> dir;
    try {
      dir = Directory::open_host(d.host, d.read_only);
    } catch (const Error& e) {
      throw Error(std::string("--dir ") + d.host + ": " + e.what());
    }
    add_preopen(ctx, std::move(dir), d.guest, d.read_only);
  }
  // Only a guest that may reach out is shown the host's resolver files
  // and CA bundle: one granted nothing sees exactly what it was given.
  const bool reaches_out = ctx.network && ctx.network->grants_outbound();
  std::vector<ImplicitDir> implicit;
  if (reaches_out && options.dns_files && !maps_any(options.dirs, {"/etc"}))
    if (auto d = dns_files_dir()) implicit.push_back(std::move(*d));
  if (reaches_out && options.ca_certs && !maps_any(options.dirs, {"/etc", "/etc/ssl", kGuestCaDir}))
    if (auto d = ca_certs_dir(ctx.environ)) implicit.push_back(std::move(*d));

  if (!has_env(ctx.environ, "PWD")) {
    const bool works_in_root = options.dirs.empty() ? !implicit.empty() : options.working_dir == "/";
    if (!options.working_dir.empty()) ctx.environ.push_back("PWD=" + options.working_dir);
    if (works_in_root && !maps_any(options.dirs, {"/"})) add_empty_root(ctx, reserve);
  }
  for (ImplicitDir& d : implicit) add_implicit(ctx, d, reserve);
}

// WASINET_LISTEN_FDS=5,6: the guest fds of the listeners, in the order of
// --listen. The host's word replaces a value the operator passed: only the
// host knows the numbers. (Not systemd's LISTEN_FDS: that protocol assumes
// the fds start at 3 and checks LISTEN_PID against getpid(), which means
// nothing on wasip1; docs/RATIONALE.md.)
void set_listen_fds(std::vector<std::string>& environ, const std::vector<Fd>& listeners) {
  constexpr std::string_view kName = "WASINET_LISTEN_FDS=";
  std::erase_if(environ, [&](const std::string& kv) { return kv.starts_with(kName); });
  std::string kv(kName);
  for (size_t i = 0; i < listeners.size(); ++i) {
    if (i) kv += ',';
    kv += std::to_string(listeners[i]);
  }
  environ.push_back(std::move(kv));
}

}  // namespace

Rights preopen_rights_base(bool read_only) {
  return read_only ? rights::directory & ~rights::mutating : rights::directory;
}

Rights preopen_rights_inheriting(bool read_only) {
  const Rights all = rights::directory | rights::regular_file;
  return read_only ? all & ~rights::mutating : all;
}

std::shared_ptr<net::Network> guest_network(const GuestOptions& options) {
  if (options.network) return options.network;
  NetPolicy policy = options.net;
  policy.log_guest = options.instance;
  return policy_network(policy, options.net_ceilings);
}

void setup_context(Context& ctx, const GuestOptions& options, std::shared_ptr<net::Network> network,
                   size_t listeners_to_come) {
  ctx.fds.set_max_fds(options.max_fds ? options.max_fds : guest_fd_capacity(fd_limit()));
  // The one place both caps are applied (GuestOptions::max_conns).
  if (options.max_conns) ctx.fds.set_max_connections(options.max_conns);
  ctx.args = options.argv;
  ctx.environ = options.environ;
  ctx.network = std::move(network);
  if (options.retry_guard) ctx.retry_guard = std::make_shared<net::RetryGuard>();
  ctx.reuse_port = options.reuse_port;
  ctx.shared_binds = options.shared_binds;
  ctx.counters = options.counters;
  if (ctx.counters) ctx.fds.count_open_fds_into(&ctx.counters->open_fds);
  for (int fd = 0; fd < 3; ++fd) add_stdio(ctx, fd, options.whole_lines);
  add_directories(ctx, options, listeners_to_come);
}

// Listeners after every directory: the preopen scans of Go and wasi-libc
// stop at the first fd that answers EBADF to fd_prestat_get, which a
// socket does (preview1_fd.cc). With no directory at all, the first is
// fd 3. WASINET_LISTEN_FDS says where they are in every case.
std::vector<net::InsertedListener> add_listeners(Context& ctx, const Listeners& listeners) {
  std::vector<net::InsertedListener> out;
  std::vector<Fd> fds;
  for (const net::HostListener& l : listeners.all()) {
    out.push_back(net::insert_listener(ctx, l));
    fds.push_back(out.back().fd);
  }
  if (!fds.empty()) set_listen_fds(ctx.environ, fds);
  return out;
}

}  // namespace wasinet::runtime
