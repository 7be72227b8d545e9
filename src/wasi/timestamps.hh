#pragma once
// fst_flags + timestamps → the two timespecs utimensat/futimens take.
#include <sys/stat.h>

#include <array>

#include "wasi/file_object.hh"

namespace wasinet::wasi {

// EINVAL when a time is both given and "now" (the spec forbids it).
Result<std::array<struct timespec, 2>> to_host_times(const TimesUpdate& t) noexcept;

}  // namespace wasinet::wasi
