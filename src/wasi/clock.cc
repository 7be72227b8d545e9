#include "wasi/clock.hh"

#include <cerrno>

namespace wasinet::wasi {
namespace {
Timestamp to_ns(const timespec& ts) {
  return static_cast<Timestamp>(ts.tv_sec) * 1'000'000'000ull + static_cast<Timestamp>(ts.tv_nsec);
}
}  // namespace

Result<clockid_t> host_clock(uint32_t id) noexcept {
  switch (static_cast<ClockId>(id)) {
    case ClockId::realtime: return CLOCK_REALTIME;
    case ClockId::monotonic: return CLOCK_MONOTONIC;
    case ClockId::process_cputime: return CLOCK_PROCESS_CPUTIME_ID;
    case ClockId::thread_cputime: return CLOCK_THREAD_CPUTIME_ID;
  }
  return Errno::inval;
}

Result<Timestamp> clock_time(uint32_t id) noexcept {
  WASINET_TRY(clockid_t clock, host_clock(id));
  timespec ts;
  if (::clock_gettime(clock, &ts) != 0) return errno_from_host(errno);
  return to_ns(ts);
}

Result<Timestamp> clock_resolution(uint32_t id) noexcept {
  WASINET_TRY(clockid_t clock, host_clock(id));
  timespec ts;
  if (::clock_getres(clock, &ts) != 0) return errno_from_host(errno);
  return to_ns(ts);
}

}  // namespace wasinet::wasi
