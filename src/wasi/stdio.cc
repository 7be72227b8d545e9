#include "wasi/stdio.hh"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

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
  if (!whole_lines_) return from_host(os::writev_all(fd_.get(), host.rest(), wake_fd()));
  for (const iovec& v : host.rest()) pending_.append(static_cast<const char*>(v.iov_base), v.iov_len);
  const size_t end = pending_.rfind('\n');
  if (end != std::string::npos) {
    WASINET_CHECK(pass_on(end + 1));
  } else if (pending_.size() >= kMaxPartialLine) {
    WASINET_CHECK(pass_on(pending_.size()));
  }
  return host.total();
}

Status Stdio::pass_on(size_t n) {
  static std::mutex line_lock;
  iovec v{pending_.data(), n};
  std::unique_lock lock(line_lock);
  const os::HostResult<size_t> r = os::writev_all(fd_.get(), {&v, 1}, wake_fd());
  lock.unlock();
  pending_.erase(0, n);
  return r.ok() ? Errno::success : errno_from_host(r.error);
}

Stdio::~Stdio() {
  if (!pending_.empty()) (void)pass_on(pending_.size());
}

Result<Filestat> Stdio::filestat() {
  return filestat_of_fd(fd_.get());
}

Status Stdio::sync() { return status_from_host(::fsync(fd_.get())); }
Status Stdio::datasync() { return status_from_host(::fdatasync(fd_.get())); }

}  // namespace wasinet::wasi
