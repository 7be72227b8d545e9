#include "wasi/host_stat.hh"

#include <cerrno>

namespace wasinet::wasi {
namespace {
Timestamp to_ns(const struct timespec& ts) {
  return static_cast<Timestamp>(ts.tv_sec) * 1'000'000'000ull + static_cast<Timestamp>(ts.tv_nsec);
}
}  // namespace

Filetype filetype_from_mode(mode_t mode) noexcept {
  switch (mode & S_IFMT) {
    case S_IFREG: return Filetype::regular_file;
    case S_IFDIR: return Filetype::directory;
    case S_IFCHR: return Filetype::character_device;
    case S_IFBLK: return Filetype::block_device;
    case S_IFLNK: return Filetype::symbolic_link;
    // A host socket file seen through the file system (not a socket we
    // opened): report its type so a guest can tell it apart from a file.
    case S_IFSOCK: return Filetype::socket_stream;
    default: return Filetype::unknown;  // FIFOs have no WASI file type
  }
}

Filestat filestat_from_host(const struct stat& st) noexcept {
  Filestat f;
  f.dev = st.st_dev;
  f.ino = st.st_ino;
  f.filetype = filetype_from_mode(st.st_mode);
  f.nlink = st.st_nlink;
  f.size = static_cast<FileSize>(st.st_size);
  f.atim = to_ns(st.st_atim);
  f.mtim = to_ns(st.st_mtim);
  f.ctim = to_ns(st.st_ctim);
  return f;
}

Result<Filestat> filestat_of_fd(int fd) noexcept {
  struct stat st;
  if (::fstat(fd, &st) != 0) return errno_from_host(errno);
  return filestat_from_host(st);
}

}  // namespace wasinet::wasi
