// fd_* calls: decode guest memory, look up the fd with the rights the call
// needs, and hand the work to the fd's object.
#include <cstring>

#include "abi/host_function.hh"
#include "abi/layout.hh"
#include "abi/preview1.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;
namespace rights = wasi::rights;
namespace fdflags = wasi::fdflags;

bool nonblocking(const wasi::FdEntry& e) { return (e.fdflags & fdflags::nonblock) != 0; }

Errno fd_read(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd, rights::fd_read));
  WASINET_TRY(auto bufs, c.memory.iovecs(iovs, iovs_len));
  if (!c.memory.contains(nread, 4)) return Errno::fault;
  auto object = e->object;  // keep alive across a blocking read
  WASINET_TRY(size_t n, object->read(bufs, nonblocking(*e)));
  return c.memory.store<uint32_t>(nread, static_cast<uint32_t>(n));
}

Errno fd_write(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd, rights::fd_write));
  WASINET_TRY(auto bufs, c.memory.iovecs(iovs, iovs_len));
  if (!c.memory.contains(nwritten, 4)) return Errno::fault;
  auto object = e->object;
  WASINET_TRY(size_t n, object->write(bufs, nonblocking(*e)));
  return c.memory.store<uint32_t>(nwritten, static_cast<uint32_t>(n));
}

Errno fd_close(Call& c, uint32_t fd) { return c.ctx.fds.close(fd); }

Errno fd_fdstat_get(Call& c, uint32_t fd, uint32_t out) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd));
  WasiFdstat st{};
  st.fs_filetype = static_cast<uint8_t>(e->object->filetype());
  st.fs_flags = e->fdflags;
  st.fs_rights_base = e->rights_base;
  st.fs_rights_inheriting = e->rights_inheriting;
  return c.memory.store(out, st);
}

Errno fd_fdstat_set_flags(Call& c, uint32_t fd, uint32_t flags) {
  if (flags & ~uint32_t{fdflags::all}) return Errno::inval;
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd, rights::fd_fdstat_set_flags));
  const auto f = static_cast<uint16_t>(flags);
  // Nonblock stays a guest-visible flag; the object applies the rest.
  WASINET_CHECK(e->object->set_host_flags(f & ~fdflags::nonblock));
  e->fdflags = f;
  return Errno::success;
}

// Rights may only be dropped, never gained.
Errno fd_fdstat_set_rights(Call& c, uint32_t fd, uint64_t base, uint64_t inheriting) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd));
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting)) return Errno::notcapable;
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return Errno::success;
}

// Go scans fds from 3 upwards at start: EBADF ends the scan, ENOTDIR skips
// the fd, anything else panics it. So every open fd that is not a
// preopened directory answers ENOTDIR.
Errno fd_prestat_get(Call& c, uint32_t fd, uint32_t out) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd));
  if (!e->preopen_name) return Errno::notdir;
  WasiPrestat p{};
  p.tag = 0;
  p.pr_name_len = static_cast<uint32_t>(e->preopen_name->size());
  return c.memory.store(out, p);
}

Errno fd_prestat_dir_name(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd));
  if (!e->preopen_name) return Errno::notdir;
  const std::string& name = *e->preopen_name;
  if (path_len < name.size()) return Errno::nametoolong;
  WASINET_TRY(auto dest, c.memory.bytes(path, name.size()));
  std::memcpy(dest.data(), name.data(), name.size());
  return Errno::success;
}

}  // namespace

void add_preview1_fd(HostFunctions& out) {
  out.push_back(bind<&fd_read>(kPreview1, "fd_read"));
  out.push_back(bind<&fd_write>(kPreview1, "fd_write"));
  out.push_back(bind<&fd_close>(kPreview1, "fd_close"));
  out.push_back(bind<&fd_fdstat_get>(kPreview1, "fd_fdstat_get"));
  out.push_back(bind<&fd_fdstat_set_flags>(kPreview1, "fd_fdstat_set_flags"));
  out.push_back(bind<&fd_fdstat_set_rights>(kPreview1, "fd_fdstat_set_rights"));
  out.push_back(bind<&fd_prestat_get>(kPreview1, "fd_prestat_get"));
  out.push_back(bind<&fd_prestat_dir_name>(kPreview1, "fd_prestat_dir_name"));
}

}  // namespace wasinet::abi
