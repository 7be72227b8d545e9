#include "wasi/directory.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/host_stat.hh"
#include "wasi/timestamps.hh"
#include "wasinet/error.hh"

namespace wasinet::wasi {

std::shared_ptr<Directory> Directory::open_host(const std::string& host_path, bool read_only) {
  int fd = ::open(host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw Error("cannot preopen directory " + host_path + ": " + std::strerror(errno));
  }
  return std::make_shared<Directory>(os::UniqueFd(fd), read_only);
}

Result<Filestat> Directory::filestat() {
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0) return errno_from_host(errno);
  return filestat_from_host(st);
}

Status Directory::sync() {
  return ::fsync(fd_.get()) == 0 ? Errno::success : errno_from_host(errno);
}

Status Directory::datasync() {
  return ::fdatasync(fd_.get()) == 0 ? Errno::success : errno_from_host(errno);
}

Status Directory::set_times(const TimesUpdate& times) {
  if (read_only_) return Errno::rofs;
  WASINET_TRY(auto ts, to_host_times(times));
  return ::futimens(fd_.get(), ts.data()) == 0 ? Errno::success : errno_from_host(errno);
}

}  // namespace wasinet::wasi
