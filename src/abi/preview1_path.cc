// path_* calls: decode the guest's paths and flags, look up the directory fd
// with the rights the call needs, and hand the work to the Directory, which
// resolves every path beneath itself.
#include <memory>

#include "abi/host_function.hh"
#include "abi/layout.hh"
#include "abi/preview1.hh"
#include "abi/preview1_encode.hh"
#include "wasi/directory.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;
using wasi::Rights;
namespace rights = wasi::rights;
namespace lookupflags = wasi::lookupflags;

// A directory fd with `required` rights: EBADF, then ENOTDIR for any other
// kind of fd, then ENOTCAPABLE.
Result<std::shared_ptr<wasi::Directory>> get_dir(Call& c, uint32_t fd, Rights required) {
  return c.ctx.fds.get_as<wasi::Directory>(fd, required, Errno::notdir);
}

bool valid_lookupflags(uint32_t flags) { return (flags & ~lookupflags::symlink_follow) == 0; }

// A directory opened beneath `parent_inheriting` may do what that lets
// directories beneath it do, whatever rights the guest asked for: as in
// wasmtime, where a directory has its preopen's permissions. Go asks for
// read-only file rights when it opens a directory (no path_filestat_set_size,
// so O_TRUNC through it would fail), yet os.Root creates and truncates files
// through such a directory. A read-only preopen's inheriting rights hold no
// mutating right, so its directories stay read-only.
wasi::FdEntry opened_directory_rights(Rights parent_inheriting) {
  wasi::FdEntry e;
  e.rights_base = parent_inheriting & rights::directory;
  e.rights_inheriting = parent_inheriting;
  return e;
}

// Rights follow the spec's rule without its failure: what the guest asks
// for is intersected with what the directory may hand on (wasi-libc and Go
// ask for more than they need), then with what the new fd's kind supports.
// Whether the host opens the file for reading or writing follows the
// rights granted; beneath a read-only preopen mutating rights never pass.
// A directory is the exception (see opened_directory_rights).
Errno path_open(Call& c, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting,
                uint32_t fdflags, uint32_t fd_out) {
  if (!valid_lookupflags(dirflags) || (oflags & ~uint32_t{wasi::oflags::all}) ||
      (fdflags & ~uint32_t{wasi::fdflags::all}))
    return Errno::inval;
  Rights needed = rights::path_open;
  if (oflags & wasi::oflags::creat) needed |= rights::path_create_file;
  if (oflags & wasi::oflags::trunc) needed |= rights::path_filestat_set_size;
  // The directory and its entry's rights, from one lookup (as get_dir).
  WASINET_TRY(auto parent, c.ctx.fds.get_typed<wasi::Directory>(fd, needed, Errno::notdir));
  const std::shared_ptr<wasi::Directory>& dir = parent.object;
  WASINET_TRY(std::string_view p, c.memory.string(path, path_len));
  WASINET_CHECK(c.memory.check_range<uint32_t>(fd_out));

  Rights base = rights_base & parent.entry->rights_inheriting;
  Rights inheriting = rights_inheriting & parent.entry->rights_inheriting;
  if (dir->read_only()) {
    base &= ~rights::mutating;
    inheriting &= ~rights::mutating;
  }
  wasi::OpenRequest request;
  request.lookupflags = dirflags;
  request.oflags = static_cast<uint16_t>(oflags);
  request.fdflags = static_cast<uint16_t>(fdflags);
  request.read = (base & (rights::fd_read | rights::fd_readdir)) != 0;
  // Only fd_write means writing: Go asks for fd_filestat_set_size and
  // wasi-libc for fd_datasync even when opening read-only, and a read-only
  // host file must still open then.
  request.write = (base & rights::fd_write) != 0;
  WASINET_TRY(std::shared_ptr<wasi::FileObject> object, dir->open(p, request));

  wasi::FdEntry entry;
  if (object->filetype() == wasi::Filetype::directory) {
    entry = opened_directory_rights(parent.entry->rights_inheriting &
                                    (dir->read_only() ? ~rights::mutating : rights::all));
  } else {
    entry.rights_base = base & rights::regular_file;
    entry.rights_inheriting = inheriting;
  }
  entry.fdflags = static_cast<uint16_t>(fdflags);
  entry.object = std::move(object);
  WASINET_TRY(wasi::Fd new_fd, c.ctx.fds.insert(std::move(entry)));
  return c.memory.store<uint32_t>(fd_out, new_fd);
}

Errno path_create_directory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  WASINET_TRY(auto dir, get_dir(c, fd, rights::path_create_directory));
  WASINET_TRY(std::string_view p, c.memory.string(path, path_len));
  return dir->create_directory(p);
}

Errno path_remove_directory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  WASINET_TRY(auto dir, get_dir(c, fd, rights::path_remove_directory));
  WASINET_TRY(std::string_view p, c.memory.string(path, path_len));
  return dir->remove_directory(p);
}

Errno path_unlink_file(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  WASINET_TRY(auto dir, get_dir(c, fd, rights::path_unlink_file));
  WASINET_TRY(std::string_view p, c.memory.string(path, path_len));
  return dir->unlink_file(p);
}

Errno path_rename(Call& c, uint32_t fd, uint32_t old_path, uint32_t old_len, uint32_t new_fd,
                  uint32_t new_path, uint32_t new_len) {
  WASINET_TRY(auto from, get_dir(c, fd, rights::path_rename_source));
  WASINET_TRY(auto to, get_dir(c, new_fd, rights::path_rename_target));
  WASINET_TRY(std::string_view o, c.memory.string(old_path, old_len));
  WASINET_TRY(std::string_view n, c.memory.string(new_path, new_len));
  return from->rename(o, *to, n);
}

Errno path_link(Call& c, uint32_t old_fd, uint32_t old_flags, uint32_t old_path,
                uint32_t old_len, uint32_t new_fd, uint32_t new_path, uint32_t new_len) {
  if (!valid_lookupflags(old_flags)) return Errno::inval;
  WASINET_TRY(auto from, get_dir(c, old_fd, rights::path_link_source));
  WASINET_TRY(auto to, get_dir(c, new_fd, rights::path_link_target));
  WASINET_TRY(std::string_view o, c.memory.string(old_path, old_len));
  WASINET_TRY(std::string_view n, c.memory.string(new_path, new_len));
  return from->link(old_flags, o, *to, n);
}

Errno path_symlink(Call& c, uint32_t old_path, uint32_t old_len, uint32_t fd, uint32_t new_path,
                   uint32_t new_len) {
  WASINET_TRY(auto dir, get_dir(c, fd, rights::path_symlink));
  WASINET_TRY(std::string_view target, c.memory.string(old_path, old_len));
  WASINET_TRY(std::string_view p, c.memory.string(new_path, new_len));
  return dir->symlink(target, p);
}

Errno path_readlink(Call& c, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf,
                    uint32_t buf_len, uint32_t bufused) {
  WASINET_TRY(auto dir, get_dir(c, fd, rights::path_readlink));
  WASINET_TRY(std::string_view p, c.memory.string(path, path_len));
  WASINET_TRY(std::span<uint8_t> out, c.memory.bytes(buf, buf_len));
  WASINET_CHECK(c.memory.check_range<uint32_t>(bufused));
  WASINET_TRY(size_t n, dir->readlink(p, out));
  return c.memory.store<uint32_t>(bufused, static_cast<uint32_t>(n));
}

Errno path_filestat_get(Call& c, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len,
                        uint32_t out) {
  if (!valid_lookupflags(flags)) return Errno::inval;
  WASINET_TRY(auto dir, get_dir(c, fd, rights::path_filestat_get));
  WASINET_TRY(std::string_view p, c.memory.string(path, path_len));
  WASINET_CHECK(c.memory.check_range<WasiFilestat>(out));
  WASINET_TRY(wasi::Filestat st, dir->path_filestat(flags, p));
  return store_filestat(c.memory, out, st);
}

Errno path_filestat_set_times(Call& c, uint32_t fd, uint32_t flags, uint32_t path,
                              uint32_t path_len, uint64_t atim, uint64_t mtim,
                              uint32_t fst_flags) {
  if (!valid_lookupflags(flags) || (fst_flags & ~uint32_t{wasi::fstflags::all})) return Errno::inval;
  WASINET_TRY(auto dir, get_dir(c, fd, rights::path_filestat_set_times));
  WASINET_TRY(std::string_view p, c.memory.string(path, path_len));
  return dir->path_set_times(flags, p, {atim, mtim, static_cast<uint16_t>(fst_flags)});
}

}  // namespace

void add_preview1_path(HostFunctions& out) {
  out.push_back(bind<&path_open>(kPreview1, "path_open"));
  out.push_back(bind<&path_create_directory>(kPreview1, "path_create_directory"));
  out.push_back(bind<&path_remove_directory>(kPreview1, "path_remove_directory"));
  out.push_back(bind<&path_unlink_file>(kPreview1, "path_unlink_file"));
  out.push_back(bind<&path_rename>(kPreview1, "path_rename"));
  out.push_back(bind<&path_link>(kPreview1, "path_link"));
  out.push_back(bind<&path_symlink>(kPreview1, "path_symlink"));
  out.push_back(bind<&path_readlink>(kPreview1, "path_readlink"));
  out.push_back(bind<&path_filestat_get>(kPreview1, "path_filestat_get"));
  out.push_back(bind<&path_filestat_set_times>(kPreview1, "path_filestat_set_times"));
}

}  // namespace wasinet::abi
