#include "runtime/instance_setup.hh"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "net/network.hh"
#include "net/preopened_listener.hh"
#include "net/retry_guard.hh"
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

void add_stdio(Context& ctx, int host_fd) {
  auto object = std::make_shared<Stdio>(dup_stdio(host_fd), ctx.wake);
  FdEntry e;
  const bool file = object->filetype() == Filetype::regular_file;
  e.rights_base = file ? rights::regular_file : rights::tty;
  e.object = std::move(object);
  auto fd = ctx.fds.insert(std::move(e));
  if (!fd.ok() || *fd != static_cast<Fd>(host_fd)) throw Error("cannot set up stdio");
}

void add_preopen(Context& ctx, std::shared_ptr<Directory> dir, const std::string& guest,
                 bool read_only) {
  FdEntry e;
  e.object = std::move(dir);
  e.rights_base = preopen_rights_base(read_only);
  e.rights_inheriting = preopen_rights_inheriting(read_only);
  e.preopen_name = guest;
  if (!ctx.fds.insert(std::move(e)).ok()) throw Error("too many preopened directories");
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

// The host's /etc/hosts and /etc/resolv.conf, read-only, in a private
// directory seen as /etc (system_files.hh): Go's resolver reads them, and
// the rest of the host's /etc stays hidden. Missing them is no reason not
// to run the guest: warn and go on.
void add_dns_files(Context& ctx) {
  try {
    std::optional<DirMapping> etc = dns_files_preopen();
    if (!etc) return;
    add_preopen(ctx, Directory::open_host(etc->host, true), etc->guest, true);
  } catch (const Error& e) {
    std::fprintf(stderr, "wasinet: warning: the guest gets no /etc/hosts or /etc/resolv.conf: %s\n",
                 e.what());
  }
}

bool has_env(const std::vector<std::string>& environ, std::string_view name) {
  for (const std::string& kv : environ)
    if (kv.size() > name.size() && kv.compare(0, name.size(), name) == 0 && kv[name.size()] == '=')
      return true;
  return false;
}

// The host's CA bundle, read-only, as /etc/ssl/certs/ca-certificates.crt,
// and SSL_CERT_FILE naming it, so HTTPS verifies out of the box (Go on
// wasip1 has no default certificate locations). The guest's own
// SSL_CERT_FILE (from --env) wins and is left alone; then so is the mount.
void add_ca_certs(Context& ctx) {
  if (has_env(ctx.environ, "SSL_CERT_FILE")) return;
  std::optional<std::filesystem::path> bundle = host_ca_bundle();
  if (!bundle) return;  // nothing to give: HTTPS fails verification in the guest, as on such a host
  try {
    std::optional<DirMapping> certs = ca_certs_preopen(*bundle);
    if (!certs) {
      std::fprintf(stderr, "wasinet: warning: the guest gets no CA certificates: %s does not exist\n",
                   bundle->c_str());
      return;
    }
    add_preopen(ctx, Directory::open_host(certs->host, true), certs->guest, true);
    ctx.environ.push_back(std::string("SSL_CERT_FILE=") + kGuestCaFile);
  } catch (const Error& e) {
    std::fprintf(stderr, "wasinet: warning: the guest gets no CA certificates: %s\n", e.what());
  }
}

}  // namespace

Rights preopen_rights_base(bool read_only) {
  return read_only ? rights::directory & ~rights::mutating : rights::directory;
}

Rights preopen_rights_inheriting(bool read_only) {
  const Rights all = rights::directory | rights::regular_file;
  return read_only ? all & ~rights::mutating : all;
}

SetupResult setup_context(Context& ctx, const RunConfig& config,
                          std::shared_ptr<net::Network> network) {
  ctx.fds.set_max_fds(config.max_fds);
  ctx.args.clear();
  ctx.args.push_back(config.module.string());
  ctx.args.insert(ctx.args.end(), config.args.begin(), config.args.end());
  ctx.environ = config.environ;
  ctx.network = std::move(network);
  // A diagnostic knob, for measuring what the guard saves (BENCHMARKS.md).
  if (const char* guard = std::getenv("WASINET_RETRY_GUARD"); !guard || std::string_view(guard) != "off")
    ctx.retry_guard = std::make_shared<net::RetryGuard>();
  for (int fd = 0; fd < 3; ++fd) add_stdio(ctx, fd);
  for (const DirMapping& d : config.dirs) {
    std::shared_ptr<Directory> dir;
    try {
      dir = Directory::open_host(d.host, d.read_only);
    } catch (const Error& e) {
      throw Error(std::string("--dir ") + d.host + ": " + e.what());
    }
    add_preopen(ctx, std::move(dir), d.guest, d.read_only);
  }
  // Listeners right after the user's directories, so that `--listen` alone
  // puts the socket at fd 3, where `net.FileListener(os.NewFile(3, ...))`
  // and C programs expect it. The implicit /etc comes after them: Go's
  // preopen scan skips a socket (ENOTDIR) and still finds it, and Go takes
  // the first preopen, the user's, as its working directory.
  SetupResult result;
  try {
    for (const ListenSpec& spec : config.listeners)
      result.listeners.push_back(net::open_preopened_listener(ctx, spec));
    if (config.dns_files && !maps_any(config.dirs, {"/etc"})) add_dns_files(ctx);
    if (config.ca_certs && !maps_any(config.dirs, {"/etc", "/etc/ssl", kGuestCaDir})) add_ca_certs(ctx);
  } catch (...) {
    remove_socket_files(result);
    throw;
  }
  return result;
}

void remove_socket_files(const SetupResult& setup) noexcept {
  for (const net::PreopenedListener& l : setup.listeners) net::remove_socket_file(l);
}

}  // namespace wasinet::runtime
