#include "wasi/stdio.hh"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "os/io_linux.hh"
#include "wasi/host_iovecs.hh"
#include "wasi/host_stat.hh"

namespace wasinet::wasi {

Stdio::Stdio(os::UniqueFd fd, std::shared_ptr<const os::WakeEvent> wake)
    : fd_(std::move(fd)), filetype_(Filetype::character_device), wake_(std::move(wake)) {
  struct stat st;
  if (::fstat(fd_.get(), &st) == 0) filetype_ = filetype_from_mode(st.st_mode);
}

Result<size_t> Stdio::read(IoVecs iovs, bool nonblocking) {
  if (!always_ready()) {
    if (nonblocking && !os::ready_now(fd_.get(), POLLIN)) return Errno::again;
    // A terminal or pipe may stay silent for ever: wait where a stop
    // (signal, --timeout) can end the wait (EINTR).
    if (!nonblocking) WASINET_CHECK(errno_from_host(os::wait_ready(fd_.get(), POLLIN, wake_fd())));
  }
  HostIovecs host(iovs);
  return from_host(os::readv(fd_.get(), host.rest()));
}

Result<size_t> Stdio::write(IoVecs iovs, bool /*nonblocking*/) {
  // Never EAGAIN on stdout/stderr: Go treats it as a fatal write error.
  HostIovecs host(iovs);
  return from_host(os::writev_all(fd_.get(), host.rest(), wake_fd()));
}

Result<Filestat> Stdio::filestat() {
  return filestat_of_fd(fd_.get());
}

Status Stdio::sync() { return status_from_host(::fsync(fd_.get())); }
Status Stdio::datasync() { return status_from_host(::fdatasync(fd_.get())); }

}  // namespace wasinet::wasi
