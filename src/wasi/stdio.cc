#include "wasi/stdio.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "os/io_linux.hh"
#include "wasi/host_stat.hh"

namespace wasinet::wasi {

Stdio::Stdio(os::UniqueFd fd) : fd_(std::move(fd)), filetype_(Filetype::character_device) {
  struct stat st;
  if (::fstat(fd_.get(), &st) == 0) filetype_ = filetype_from_mode(st.st_mode);
}

Result<size_t> Stdio::read(IoVecs iovs, bool nonblocking) {
  if (nonblocking && !always_ready() && !os::readable_now(fd_.get())) return Errno::again;
  return os::readv(fd_.get(), iovs);
}

Result<size_t> Stdio::write(IoVecs iovs, bool /*nonblocking*/) {
  // Never EAGAIN on stdout/stderr: Go treats it as a fatal write error.
  return os::writev_all(fd_.get(), iovs);
}

Result<Filestat> Stdio::filestat() {
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0) return errno_from_host(errno);
  return filestat_from_host(st);
}

Status Stdio::sync() { return ::fsync(fd_.get()) == 0 ? Errno::success : errno_from_host(errno); }
Status Stdio::datasync() {
  return ::fdatasync(fd_.get()) == 0 ? Errno::success : errno_from_host(errno);
}

}  // namespace wasinet::wasi
