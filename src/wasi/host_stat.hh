#pragma once
// Conversions from host `struct stat` to WASI file types and filestats.
#include <sys/stat.h>

#include "wasi/file_object.hh"

namespace wasinet::wasi {

Filetype filetype_from_mode(mode_t mode) noexcept;
Filestat filestat_from_host(const struct stat& st) noexcept;

// POSIX fstat on a host descriptor, as a WASI filestat.
Result<Filestat> filestat_of_fd(int fd) noexcept;

}  // namespace wasinet::wasi
