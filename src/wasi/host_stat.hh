#pragma once
// Conversions from host `struct stat` to WASI file types and filestats.
#include <sys/stat.h>

#include "wasi/file_object.hh"

namespace wasinet::wasi {

Filetype filetype_from_mode(mode_t mode) noexcept;
Filestat filestat_from_host(const struct stat& st) noexcept;

}  // namespace wasinet::wasi
