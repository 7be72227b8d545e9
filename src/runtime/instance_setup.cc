#include "runtime/instance_setup.hh"

#include <fcntl.h>
#include <unistd.h>

#include "net/network.hh"
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
  auto object = std::make_shared<Stdio>(dup_stdio(host_fd));
  FdEntry e;
  const bool file = object->filetype() == Filetype::regular_file;
  e.rights_base = file ? rights::regular_file : rights::tty;
  e.object = std::move(object);
  auto fd = ctx.fds.insert(std::move(e));
  if (!fd.ok() || *fd != static_cast<Fd>(host_fd)) throw Error("cannot set up stdio");
}

}  // namespace

Rights preopen_rights_base(bool read_only) {
  return read_only ? rights::directory & ~rights::mutating : rights::directory;
}

Rights preopen_rights_inheriting(bool read_only) {
  const Rights all = rights::directory | rights::regular_file;
  return read_only ? all & ~rights::mutating : all;
}

void setup_context(Context& ctx, const RunConfig& config) {
  ctx.fds.set_max_fds(config.max_fds);
  ctx.args.clear();
  ctx.args.push_back(config.module.string());
  ctx.args.insert(ctx.args.end(), config.args.begin(), config.args.end());
  ctx.environ = config.environ;
  ctx.network = net::unrestricted();
  for (int fd = 0; fd < 3; ++fd) add_stdio(ctx, fd);
  for (const DirMapping& d : config.dirs) {
    std::shared_ptr<Directory> dir;
    try {
      dir = Directory::open_host(d.host, d.read_only);
    } catch (const Error& e) {
      throw Error(std::string("--dir ") + d.host + ": " + e.what());
    }
    FdEntry e;
    e.object = std::move(dir);
    e.rights_base = preopen_rights_base(d.read_only);
    e.rights_inheriting = preopen_rights_inheriting(d.read_only);
    e.preopen_name = d.guest;
    if (!ctx.fds.insert(std::move(e)).ok()) throw Error("too many preopened directories");
  }
}

}  // namespace wasinet::runtime
