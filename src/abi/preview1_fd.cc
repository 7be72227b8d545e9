// fd_* calls: decode guest memory, look up the fd with the rights the call
// needs, and hand the work to the fd's object. Calls on an fd's bytes,
// offset or open mode answer EBADF for a directory (FdTable::get_io), as
// wasmtime does; fd_sync and fd_datasync still work on one (RATIONALE.md).
#include <algorithm>
#include <cstring>

#include "abi/host_function.hh"
#include "abi/layout.hh"
#include "abi/preview1.hh"
#include "abi/preview1_encode.hh"
#include "wasi/directory.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;
namespace rights = wasi::rights;
namespace fdflags = wasi::fdflags;

bool nonblocking(const wasi::FdEntry& e) { return (e.fdflags & fdflags::nonblock) != 0; }

Errno fd_read(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get_io(fd, rights::fd_read));
  WASINET_TRY(auto bufs, c.memory.iovecs(iovs, iovs_len));
  WASINET_CHECK(c.memory.check_range<uint32_t>(nread));
  auto object = e->object;  // keep alive across a blocking read
  WASINET_TRY(size_t n, object->read(bufs, nonblocking(*e)));
  return c.memory.store<uint32_t>(nread, static_cast<uint32_t>(n));
}

Errno fd_write(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get_io(fd, rights::fd_write));
  WASINET_TRY(auto bufs, c.memory.iovecs(iovs, iovs_len));
  WASINET_CHECK(c.memory.check_range<uint32_t>(nwritten));
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
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get_io(fd, rights::fd_fdstat_set_flags));
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

// Go and wasi-libc scan fds from 3 upwards at start and both stop at the
// first EBADF; wasi-libc exits 71 on any other error (Go skips ENOTDIR).
// So every fd that is not a preopened directory, sockets included, answers
// EBADF, as in wasmtime, and setup puts every directory before every socket
// (docs/RATIONALE.md).
Errno fd_prestat_get(Call& c, uint32_t fd, uint32_t out) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd));
  if (!e->preopen_name) return Errno::badf;
  WasiPrestat p{};
  p.tag = 0;
  p.pr_name_len = static_cast<uint32_t>(e->preopen_name->size());
  return c.memory.store(out, p);
}

Errno fd_prestat_dir_name(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd));
  if (!e->preopen_name) return Errno::badf;
  const std::string& name = *e->preopen_name;
  if (path_len < name.size()) return Errno::nametoolong;
  WASINET_TRY(auto dest, c.memory.bytes(path, name.size()));
  std::memcpy(dest.data(), name.data(), name.size());
  return Errno::success;
}

Errno fd_pread(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
               uint32_t nread) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get_io(fd, rights::fd_read | rights::fd_seek));
  WASINET_TRY(auto bufs, c.memory.iovecs(iovs, iovs_len));
  WASINET_CHECK(c.memory.check_range<uint32_t>(nread));
  auto object = e->object;
  WASINET_TRY(size_t n, object->pread(bufs, offset));
  return c.memory.store<uint32_t>(nread, static_cast<uint32_t>(n));
}

Errno fd_pwrite(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset,
                uint32_t nwritten) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get_io(fd, rights::fd_write | rights::fd_seek));
  WASINET_TRY(auto bufs, c.memory.iovecs(iovs, iovs_len));
  WASINET_CHECK(c.memory.check_range<uint32_t>(nwritten));
  auto object = e->object;
  WASINET_TRY(size_t n, object->pwrite(bufs, offset));
  return c.memory.store<uint32_t>(nwritten, static_cast<uint32_t>(n));
}

// A query of the position (offset 0 from cur) needs only fd_tell, as in
// wasmtime; anything that moves it needs fd_seek.
Errno fd_seek(Call& c, uint32_t fd, int64_t offset, uint32_t whence, uint32_t newoffset) {
  if (whence > static_cast<uint32_t>(wasi::Whence::end)) return Errno::inval;
  const auto w = static_cast<wasi::Whence>(whence);
  const bool tell_only = offset == 0 && w == wasi::Whence::cur;
  WASINET_TRY(wasi::FdEntry * e,
              c.ctx.fds.get_io(fd, tell_only ? rights::fd_tell : rights::fd_seek));
  WASINET_CHECK(c.memory.check_range<uint64_t>(newoffset));
  WASINET_TRY(wasi::FileSize pos, e->object->seek(offset, w));
  return c.memory.store<uint64_t>(newoffset, pos);
}

Errno fd_tell(Call& c, uint32_t fd, uint32_t out) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get_io(fd, rights::fd_tell));
  WASINET_CHECK(c.memory.check_range<uint64_t>(out));
  WASINET_TRY(wasi::FileSize pos, e->object->seek(0, wasi::Whence::cur));
  return c.memory.store<uint64_t>(out, pos);
}

Errno fd_sync(Call& c, uint32_t fd) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd, rights::fd_sync));
  return e->object->sync();
}

Errno fd_datasync(Call& c, uint32_t fd) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd, rights::fd_datasync));
  return e->object->datasync();
}

Errno fd_advise(Call& c, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  if (advice > static_cast<uint32_t>(wasi::Advice::noreuse)) return Errno::inval;
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get_io(fd, rights::fd_advise));
  return e->object->advise(offset, len, static_cast<wasi::Advice>(advice));
}

Errno fd_allocate(Call& c, uint32_t fd, uint64_t offset, uint64_t len) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get_io(fd, rights::fd_allocate));
  return e->object->allocate(offset, len);
}

Errno fd_filestat_get(Call& c, uint32_t fd, uint32_t out) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd, rights::fd_filestat_get));
  WASINET_CHECK(c.memory.check_range<WasiFilestat>(out));
  WASINET_TRY(wasi::Filestat st, e->object->filestat());
  return store_filestat(c.memory, out, st);
}

Errno fd_filestat_set_size(Call& c, uint32_t fd, uint64_t size) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get_io(fd, rights::fd_filestat_set_size));
  return e->object->set_size(size);
}

Errno fd_filestat_set_times(Call& c, uint32_t fd, uint64_t atim, uint64_t mtim,
                            uint32_t fst_flags) {
  if (fst_flags & ~uint32_t{wasi::fstflags::all}) return Errno::inval;
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd, rights::fd_filestat_set_times));
  return e->object->set_times({atim, mtim, static_cast<uint16_t>(fst_flags)});
}

// Entries are packed header + name; the last one is cut short at the end of
// the buffer (header included), as the spec says, so that bufused ==
// buf_len tells the guest to retry with a larger buffer.
Errno fd_readdir(Call& c, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie,
                 uint32_t bufused) {
  WASINET_TRY(auto dir, c.ctx.fds.get_as<wasi::Directory>(fd, rights::fd_readdir, Errno::notdir));
  WASINET_TRY(std::span<uint8_t> out, c.memory.bytes(buf, buf_len));
  WASINET_CHECK(c.memory.check_range<uint32_t>(bufused));
  size_t used = 0;
  auto put = [&](const void* data, size_t len) {
    const size_t n = std::min(len, out.size() - used);
    std::memcpy(out.data() + used, data, n);
    used += n;
  };
  WASINET_CHECK(dir->readdir(cookie, [&](const wasi::DirEntry& entry) {
    WasiDirent d{};
    d.d_next = entry.next;
    d.d_ino = entry.ino;
    d.d_namlen = static_cast<uint32_t>(entry.name.size());
    d.d_type = static_cast<uint8_t>(entry.type);
    put(&d, sizeof d);
    put(entry.name.data(), entry.name.size());
    return used < out.size();
  }));
  return c.memory.store<uint32_t>(bufused, static_cast<uint32_t>(used));
}

// As in wasmtime, `to` must be open already: fd_renumber replaces, it does
// not allocate.
Errno fd_renumber(Call& c, uint32_t from, uint32_t to) { return c.ctx.fds.renumber(from, to); }

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
  out.push_back(bind<&fd_pread>(kPreview1, "fd_pread"));
  out.push_back(bind<&fd_pwrite>(kPreview1, "fd_pwrite"));
  out.push_back(bind<&fd_seek>(kPreview1, "fd_seek"));
  out.push_back(bind<&fd_tell>(kPreview1, "fd_tell"));
  out.push_back(bind<&fd_sync>(kPreview1, "fd_sync"));
  out.push_back(bind<&fd_datasync>(kPreview1, "fd_datasync"));
  out.push_back(bind<&fd_advise>(kPreview1, "fd_advise"));
  out.push_back(bind<&fd_allocate>(kPreview1, "fd_allocate"));
  out.push_back(bind<&fd_filestat_get>(kPreview1, "fd_filestat_get"));
  out.push_back(bind<&fd_filestat_set_size>(kPreview1, "fd_filestat_set_size"));
  out.push_back(bind<&fd_filestat_set_times>(kPreview1, "fd_filestat_set_times"));
  out.push_back(bind<&fd_readdir>(kPreview1, "fd_readdir"));
  out.push_back(bind<&fd_renumber>(kPreview1, "fd_renumber"));
}

}  // namespace wasinet::abi
