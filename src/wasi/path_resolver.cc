#include "wasi/path_resolver.hh"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace wasinet::wasi {
namespace {

// RESOLVE_BENEATH refuses `..` above the start, absolute paths and absolute
// symlinks; RESOLVE_NO_MAGICLINKS refuses /proc/<pid>/{fd,root,cwd,exe}
// style links, which would otherwise jump anywhere.
constexpr uint64_t kResolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;

// openat2 has no glibc wrapper (glibc 2.36).
int sys_openat2(int dir_fd, const char* path, int flags, mode_t mode) {
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags);
  // openat2, unlike openat, rejects a mode without O_CREAT/O_TMPFILE
  // (O_TMPFILE includes the O_DIRECTORY bit, hence the full comparison).
  const bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  how.mode = creates ? mode : 0;
  how.resolve = kResolve;
  for (;;) {
    long fd = ::syscall(SYS_openat2, dir_fd, path, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    // EAGAIN: a concurrent rename raced the confined lookup; it is safe to
    // retry. EINTR: opening a FIFO or device was interrupted.
    if (errno != EAGAIN && errno != EINTR) return -1;
  }
}

}  // namespace

Status check_guest_path(std::string_view path) noexcept {
  if (path.empty()) return Errno::noent;
  if (path.find('\0') != std::string_view::npos) return Errno::inval;
  if (path.size() > kMaxPathLength) return Errno::nametoolong;
  // Guests resolve absolute paths against their preopens themselves
  // (wasi-libc, Go); one that reaches us is an attempt to leave the tree.
  if (path.front() == '/') return Errno::notcapable;
  return Errno::success;
}

// POSIX openat(2), confined beneath dir_fd. Errors: those of open(2), with
// EXDEV (the kernel's "would escape") reported as ENOTCAPABLE.
Result<os::UniqueFd> open_beneath(int dir_fd, std::string_view path, int flags, mode_t mode) {
  WASINET_CHECK(check_guest_path(path));
  const std::string p(path);  // NUL-terminated copy
  int fd = sys_openat2(dir_fd, p.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return errno == EXDEV ? Errno::notcapable : errno_from_host(errno);
  return os::UniqueFd(fd);
}

// Like POSIX dirname/basename followed by an O_PATH open of the dirname.
// Errors: those of open_beneath for the parent.
Result<ParentPath> resolve_parent(int dir_fd, std::string_view path) {
  WASINET_CHECK(check_guest_path(path));
  ParentPath out;
  // Not absolute (checked above), so stripping slashes leaves a name.
  while (path.size() > 1 && path.back() == '/') {
    path.remove_suffix(1);
    out.trailing_slash = true;
  }
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) {
    out.fd = dir_fd;
    out.name = std::string(path);
    return out;
  }
  out.name = std::string(path.substr(slash + 1));
  WASINET_TRY(out.owned, open_beneath(dir_fd, path.substr(0, slash), O_PATH | O_DIRECTORY));
  out.fd = out.owned.get();
  return out;
}

}  // namespace wasinet::wasi
