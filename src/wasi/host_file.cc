#include "wasi/host_file.hh"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "os/io_linux.hh"
#include "wasi/host_iovecs.hh"
#include "wasi/host_stat.hh"
#include "wasi/timestamps.hh"

namespace wasinet::wasi {
namespace {

// For the posix_f* calls, which return the error instead of setting errno.
Status posix_status(int rc) { return rc == 0 ? Errno::success : errno_from_host(rc); }

constexpr uint16_t kSyncFlags = fdflags::sync | fdflags::dsync | fdflags::rsync;

}  // namespace

// POSIX readv. A FIFO or device in guest non-blocking mode answers EAGAIN
// instead of blocking (the host descriptor itself stays blocking, so a
// regular file never reports EAGAIN).
Result<size_t> HostFile::read(IoVecs iovs, bool nonblocking) {
  if (nonblocking && !always_ready() && !os::ready_now(fd_.get(), POLLIN)) return Errno::again;
  HostIovecs host(iovs);
  return from_host(os::readv(fd_.get(), host.rest()));
}

// POSIX writev; EAGAIN as read() for a full FIFO in non-blocking mode.
Result<size_t> HostFile::write(IoVecs iovs, bool nonblocking) {
  if (nonblocking && !always_ready() && !os::ready_now(fd_.get(), POLLOUT)) return Errno::again;
  HostIovecs host(iovs);
  WASINET_TRY(size_t n, from_host(os::writev(fd_.get(), host.rest())));
  WASINET_CHECK(after_write());
  return n;
}

// POSIX preadv. ESPIPE on FIFOs, EINVAL beyond INT64_MAX.
Result<size_t> HostFile::pread(IoVecs iovs, FileSize offset) {
  HostIovecs host(iovs);
  return from_host(os::preadv(fd_.get(), host.rest(), offset));
}

// POSIX pwritev. As on Linux, a file in append mode appends whatever the
// offset says (pwrite(2), BUGS).
Result<size_t> HostFile::pwrite(IoVecs iovs, FileSize offset) {
  HostIovecs host(iovs);
  WASINET_TRY(size_t n, from_host(os::pwritev(fd_.get(), host.rest(), offset)));
  WASINET_CHECK(after_write());
  return n;
}

// POSIX lseek. EINVAL for a bad whence or a negative result, ESPIPE on FIFOs.
Result<FileSize> HostFile::seek(int64_t offset, Whence whence) {
  int w;
  switch (whence) {
    case Whence::set: w = SEEK_SET; break;
    case Whence::cur: w = SEEK_CUR; break;
    case Whence::end: w = SEEK_END; break;
    default: return Errno::inval;
  }
  off_t r = ::lseek(fd_.get(), static_cast<off_t>(offset), w);
  if (r < 0) return errno_from_host(errno);
  return static_cast<FileSize>(r);
}

// POSIX fsync / fdatasync.
Status HostFile::sync() { return status_from_host(::fsync(fd_.get())); }
Status HostFile::datasync() { return status_from_host(::fdatasync(fd_.get())); }

// POSIX posix_fadvise: a hint only. EINVAL for an unknown advice or a range
// beyond INT64_MAX, ESPIPE on FIFOs.
Status HostFile::advise(FileSize offset, FileSize len, Advice advice) {
  int a;
  switch (advice) {
    case Advice::normal: a = POSIX_FADV_NORMAL; break;
    case Advice::sequential: a = POSIX_FADV_SEQUENTIAL; break;
    case Advice::random: a = POSIX_FADV_RANDOM; break;
    case Advice::willneed: a = POSIX_FADV_WILLNEED; break;
    case Advice::dontneed: a = POSIX_FADV_DONTNEED; break;
    case Advice::noreuse: a = POSIX_FADV_NOREUSE; break;
    default: return Errno::inval;
  }
  if (offset > INT64_MAX || len > INT64_MAX) return Errno::inval;
  return posix_status(
      ::posix_fadvise(fd_.get(), static_cast<off_t>(offset), static_cast<off_t>(len), a));
}

// POSIX posix_fallocate. EINVAL for an empty range (as Linux), EFBIG when
// offset + len overflows, EBADF when not open for writing.
Status HostFile::allocate(FileSize offset, FileSize len) {
  if (read_only_) return Errno::rofs;
  if (offset > INT64_MAX || len > INT64_MAX) return Errno::inval;
  if (offset + len > INT64_MAX) return Errno::fbig;
  return posix_status(
      ::posix_fallocate(fd_.get(), static_cast<off_t>(offset), static_cast<off_t>(len)));
}

// POSIX fstat.
Result<Filestat> HostFile::filestat() {
  return filestat_of_fd(fd_.get());
}

// POSIX ftruncate. EINVAL beyond INT64_MAX or when not open for writing.
Status HostFile::set_size(FileSize size) {
  if (read_only_) return Errno::rofs;
  if (size > INT64_MAX) return Errno::inval;
  return status_from_host(::ftruncate(fd_.get(), static_cast<off_t>(size)));
}

// POSIX futimens. EROFS under a read-only preopen: an O_RDONLY descriptor
// alone would not stop the owner from changing times.
Status HostFile::set_times(const TimesUpdate& times) {
  if (read_only_) return Errno::rofs;
  WASINET_TRY(auto ts, to_host_times(times));
  return status_from_host(::futimens(fd_.get(), ts.data()));
}

// POSIX fcntl(F_SETFL). Linux changes O_APPEND that way but ignores O_SYNC
// and O_DSYNC, so those, when not set at open, are emulated by syncing after
// each write. Clearing a sync flag set at open leaves the file synchronous:
// slower, never less safe.
Status HostFile::set_host_flags(uint16_t flags) {
  int fl = ::fcntl(fd_.get(), F_GETFL);
  if (fl < 0) return errno_from_host(errno);
  const int want = (flags & fdflags::append) ? (fl | O_APPEND) : (fl & ~O_APPEND);
  if (want != fl && ::fcntl(fd_.get(), F_SETFL, want) != 0) return errno_from_host(errno);
  uint16_t emulate = flags & kSyncFlags;
  if ((fl & O_SYNC) == O_SYNC) emulate = 0;  // every write is synchronous already
  else if (fl & O_DSYNC) emulate &= ~fdflags::dsync;
  sync_flags_ = emulate;
  return Errno::success;
}

Status HostFile::after_write() {
  if (sync_flags_ & (fdflags::sync | fdflags::rsync)) return sync();
  if (sync_flags_ & fdflags::dsync) return datasync();
  return Errno::success;
}

}  // namespace wasinet::wasi
