#pragma once
// clock_time_get / clock_res_get over the host's clock_gettime.
#include <ctime>

#include "wasi/result.hh"
#include "wasi/types.hh"

namespace wasinet::wasi {

// The host clock behind a WASI clock id; EINVAL for an unknown id.
Result<clockid_t> host_clock(uint32_t id) noexcept;

// Current time in nanoseconds (POSIX clock_gettime).
Result<Timestamp> clock_time(uint32_t id) noexcept;

// Resolution in nanoseconds (POSIX clock_getres).
Result<Timestamp> clock_resolution(uint32_t id) noexcept;

}  // namespace wasinet::wasi
