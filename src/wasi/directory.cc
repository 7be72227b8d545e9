#include "wasi/directory.hh"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "os/proc_fd.hh"
#include "wasi/host_file.hh"
#include "wasi/host_stat.hh"
#include "wasi/path_resolver.hh"
#include "wasi/timestamps.hh"
#include "wasinet/error.hh"

namespace wasinet::wasi {
namespace {

int nofollow_flag(uint32_t lookupflags) {
  return (lookupflags & lookupflags::symlink_follow) ? 0 : O_NOFOLLOW;
}

Filetype filetype_from_dirent(unsigned char d_type) {
  switch (d_type) {
    case DT_REG: return Filetype::regular_file;
    case DT_DIR: return Filetype::directory;
    case DT_CHR: return Filetype::character_device;
    case DT_BLK: return Filetype::block_device;
    case DT_LNK: return Filetype::symbolic_link;
    case DT_SOCK: return Filetype::socket_stream;  // as filetype_from_mode
    default: return Filetype::unknown;
  }
}

// A symlink's target is data the host may follow one day (a backup tool, a
// shell): like wasmtime, wazero and WasmEdge, and as the WASI filesystem
// path-resolution notes ask, refuse to create absolute ones.
Status check_symlink_target(std::string_view target) {
  if (target.empty()) return Errno::noent;  // as Linux symlink("")
  if (target.find('\0') != std::string_view::npos) return Errno::inval;
  if (target.size() > kMaxPathLength) return Errno::nametoolong;
  if (target.front() == '/') return Errno::notcapable;
  return Errno::success;
}

// Hard-links the file `fd` (an O_PATH descriptor opened beneath a preopen)
// as new_parent/new_name.
Status link_descriptor(int fd, int new_parent, const std::string& new_name) {
  if (::linkat(fd, "", new_parent, new_name.c_str(), AT_EMPTY_PATH) == 0) return Errno::success;
  if (errno != ENOENT) return errno_from_host(errno);
  // Before Linux 6.10, AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH and fails
  // with ENOENT without it. The /proc link names the same file, already
  // known to lie beneath the preopen, so following it cannot escape.
  const std::string proc = os::proc_fd_path(fd);
  return status_from_host(
      ::linkat(AT_FDCWD, proc.c_str(), new_parent, new_name.c_str(), AT_SYMLINK_FOLLOW));
}

}  // namespace

std::shared_ptr<Directory> Directory::open_host(const std::string& host_path, bool read_only) {
  int fd = ::open(host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw Error("cannot preopen directory " + host_path + ": " + std::strerror(errno));
  }
  return std::make_shared<Directory>(os::UniqueFd(fd), read_only);
}

// POSIX fstat.
Result<Filestat> Directory::filestat() {
  return filestat_of_fd(fd_.get());
}

// POSIX fsync / fdatasync.
Status Directory::sync() { return status_from_host(::fsync(fd_.get())); }
Status Directory::datasync() { return status_from_host(::fdatasync(fd_.get())); }

// POSIX futimens; EROFS beneath a read-only preopen.
Status Directory::set_times(const TimesUpdate& times) {
  if (read_only_) return Errno::rofs;
  WASINET_TRY(auto ts, to_host_times(times));
  return status_from_host(::futimens(fd_.get(), ts.data()));
}

// POSIX seekdir + readdir, over getdents64. The cookie is the kernel's own
// d_off (the position just after an entry), which lseek on the directory
// accepts back, so reading resumes correctly even after entries were added
// or removed in between. "." and ".." are reported, as Linux does and
// wasi-libc and Go expect (both skip them).
Status Directory::readdir(uint64_t cookie, const DirEntrySink& sink) {
  const int fd = fd_.get();
  if (::lseek(fd, static_cast<off_t>(cookie), SEEK_SET) < 0) return errno_from_host(errno);
  alignas(struct dirent64) char buf[16 * 1024];
  for (;;) {
    ssize_t n = ::getdents64(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_from_host(errno);
    }
    if (n == 0) return Errno::success;
    for (ssize_t off = 0; off < n;) {
      const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
      off += d->d_reclen;
      DirEntry e;
      e.next = static_cast<uint64_t>(d->d_off);
      e.ino = d->d_ino;
      e.name = d->d_name;
      e.type = filetype_from_dirent(d->d_type);
      if (d->d_type == DT_UNKNOWN) {
        // Some file systems do not fill d_type. The name is a direct child
        // (never "..", whose type is known), so this stat stays inside.
        struct stat st;
        if (e.name == "." || e.name == "..") e.type = Filetype::directory;
        else if (::fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
          e.type = filetype_from_mode(st.st_mode);
      }
      if (!sink(e)) return Errno::success;
    }
  }
}

// POSIX openat, confined beneath this directory. Errors: those of open(2);
// as wasmtime, EINVAL for O_DIRECTORY with creat, excl or trunc, and EISDIR
// for O_DIRECTORY with the write right (POSIX: a directory cannot be opened
// for writing); EROFS for creating, truncating or writing beneath a
// read-only preopen.
Result<std::shared_ptr<FileObject>> Directory::open(std::string_view path,
                                                    const OpenRequest& r) {
  const bool creat = r.oflags & oflags::creat;
  const bool want_dir = r.oflags & oflags::directory;
  if (want_dir && (r.oflags & (oflags::creat | oflags::excl | oflags::trunc))) return Errno::inval;
  if (want_dir && r.write) return Errno::isdir;
  const bool write = !want_dir && (r.write || (r.oflags & oflags::trunc) ||
                                   (r.fdflags & fdflags::append));
  const bool read = r.read || !write;
  if (read_only_ && write) return Errno::rofs;

  // O_NONBLOCK only so that opening a FIFO never hangs the host; it is
  // cleared again below, before the guest can read or write.
  int flags = O_NOCTTY | O_NONBLOCK | nofollow_flag(r.lookupflags);
  if (want_dir) flags |= O_RDONLY | O_DIRECTORY;
  else flags |= (read && write) ? O_RDWR : write ? O_WRONLY : O_RDONLY;
  if (creat) flags |= O_CREAT;
  if (r.oflags & oflags::excl) flags |= O_EXCL;
  if (r.oflags & oflags::trunc) flags |= O_TRUNC;
  if (r.fdflags & fdflags::append) flags |= O_APPEND;
  if (r.fdflags & (fdflags::sync | fdflags::rsync)) flags |= O_SYNC;
  if (r.fdflags & fdflags::dsync) flags |= O_DSYNC;

  if (read_only_ && creat) {
    // POSIX says EROFS only when the file would be created: opening an
    // existing one read-only with O_CREAT still works.
    if (flags & O_EXCL) return Errno::rofs;
    flags &= ~O_CREAT;
  }
  auto opened = open_beneath(fd_.get(), path, flags, 0666);
  if (!opened.ok()) {
    if (read_only_ && creat && opened.error() == Errno::noent) return Errno::rofs;
    return opened.error();
  }
  os::UniqueFd fd = std::move(opened).value();

  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return errno_from_host(errno);
  if (S_ISDIR(st.st_mode)) {
    return std::shared_ptr<FileObject>(std::make_shared<Directory>(std::move(fd), read_only_));
  }
  const int fl = ::fcntl(fd.get(), F_GETFL);
  if (fl < 0 || ::fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK) != 0) return errno_from_host(errno);
  return std::shared_ptr<FileObject>(
      std::make_shared<HostFile>(std::move(fd), filetype_from_mode(st.st_mode), read_only_));
}

// POSIX mkdirat.
Status Directory::create_directory(std::string_view path) {
  if (read_only_) return Errno::rofs;
  WASINET_TRY(ParentPath p, resolve_parent(fd_.get(), path));
  return status_from_host(::mkdirat(p.fd, p.name_for_kernel().c_str(), 0777));
}

// POSIX unlinkat(AT_REMOVEDIR): ENOTEMPTY, ENOTDIR, EINVAL for ".".
Status Directory::remove_directory(std::string_view path) {
  if (read_only_) return Errno::rofs;
  WASINET_TRY(ParentPath p, resolve_parent(fd_.get(), path));
  return status_from_host(::unlinkat(p.fd, p.name_for_kernel().c_str(), AT_REMOVEDIR));
}

// POSIX unlinkat: EISDIR for a directory (as Linux), ENOTDIR for "file/".
Status Directory::unlink_file(std::string_view path) {
  if (read_only_) return Errno::rofs;
  WASINET_TRY(ParentPath p, resolve_parent(fd_.get(), path));
  return status_from_host(::unlinkat(p.fd, p.name_for_kernel().c_str(), 0));
}

// POSIX renameat, possibly between two directories. EROFS if either is
// read-only (moving a file out would also make it writable).
Status Directory::rename(std::string_view old_path, Directory& new_dir, std::string_view new_path) {
  if (read_only_ || new_dir.read_only_) return Errno::rofs;
  WASINET_TRY(ParentPath from, resolve_parent(fd_.get(), old_path));
  WASINET_TRY(ParentPath to, resolve_parent(new_dir.fd_.get(), new_path));
  return status_from_host(::renameat(from.fd, from.name_for_kernel().c_str(), to.fd,
                                to.name_for_kernel().c_str()));
}

// POSIX linkat. EROFS if either directory is read-only (a new name outside
// a read-only tree would let the file be written). EPERM for directories.
Status Directory::link(uint32_t old_lookupflags, std::string_view old_path, Directory& new_dir,
                       std::string_view new_path) {
  if (read_only_ || new_dir.read_only_) return Errno::rofs;
  WASINET_TRY(ParentPath to, resolve_parent(new_dir.fd_.get(), new_path));
  const std::string new_name = to.name_for_kernel();
  if (old_lookupflags & lookupflags::symlink_follow) {
    WASINET_TRY(os::UniqueFd src, open_beneath(fd_.get(), old_path, O_PATH));
    struct stat st;
    if (::fstat(src.get(), &st) != 0) return errno_from_host(errno);
    if (S_ISDIR(st.st_mode)) return Errno::perm;
    return link_descriptor(src.get(), to.fd, new_name);
  }
  WASINET_TRY(ParentPath from, resolve_parent(fd_.get(), old_path));
  if (from.needs_full_lookup()) {
    // "x/", "." or "..": the kernel would follow or climb here. Whatever it
    // names is a directory, which cannot be hard-linked; look it up
    // safely only to give the right error.
    WASINET_TRY(os::UniqueFd src, open_beneath(fd_.get(), old_path, O_PATH | O_DIRECTORY));
    return Errno::perm;
  }
  return status_from_host(::linkat(from.fd, from.name.c_str(), to.fd, new_name.c_str(), 0));
}

// POSIX symlinkat. ENOTCAPABLE for an absolute target (see
// check_symlink_target); relative targets are stored as given and, like
// every path, can only ever be followed beneath a preopen.
Status Directory::symlink(std::string_view target, std::string_view path) {
  if (read_only_) return Errno::rofs;
  WASINET_CHECK(check_symlink_target(target));
  WASINET_TRY(ParentPath p, resolve_parent(fd_.get(), path));
  const std::string t(target);
  return status_from_host(::symlinkat(t.c_str(), p.fd, p.name_for_kernel().c_str()));
}

// POSIX readlinkat. EINVAL when the path is not a symlink.
Result<size_t> Directory::readlink(std::string_view path, std::span<uint8_t> buf) {
  // The link itself (O_PATH|O_NOFOLLOW), read through an empty path: one
  // confined lookup, and a trailing slash still follows as POSIX says.
  WASINET_TRY(os::UniqueFd fd, open_beneath(fd_.get(), path, O_PATH | O_NOFOLLOW));
  char target[kMaxPathLength + 1];
  ssize_t n = ::readlinkat(fd.get(), "", target, sizeof target);
  if (n < 0) {
    const int err = errno;
    // With an empty path Linux says ENOENT for a non-link; POSIX EINVAL.
    struct stat st;
    if (err == ENOENT && ::fstat(fd.get(), &st) == 0 && !S_ISLNK(st.st_mode)) return Errno::inval;
    return errno_from_host(err);
  }
  const size_t copied = std::min(static_cast<size_t>(n), buf.size());
  std::memcpy(buf.data(), target, copied);
  return copied;
}

// POSIX fstatat, with AT_SYMLINK_NOFOLLOW unless symlink_follow is given.
Result<Filestat> Directory::path_filestat(uint32_t lookupflags, std::string_view path) {
  WASINET_TRY(os::UniqueFd fd, open_beneath(fd_.get(), path, O_PATH | nofollow_flag(lookupflags)));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return errno_from_host(errno);
  return filestat_from_host(st);
}

// POSIX utimensat, with AT_SYMLINK_NOFOLLOW unless symlink_follow is given.
Status Directory::path_set_times(uint32_t lookupflags, std::string_view path,
                                 const TimesUpdate& times) {
  if (read_only_) return Errno::rofs;
  WASINET_TRY(auto ts, to_host_times(times));
  WASINET_TRY(os::UniqueFd fd, open_beneath(fd_.get(), path, O_PATH | nofollow_flag(lookupflags)));
  return status_from_host(::utimensat(fd.get(), "", ts.data(), AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
}

}  // namespace wasinet::wasi
