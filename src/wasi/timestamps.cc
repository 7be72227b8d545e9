#include "wasi/timestamps.hh"

namespace wasinet::wasi {
namespace {
struct timespec one(Timestamp value, bool set, bool now) {
  if (now) return {0, UTIME_NOW};
  if (!set) return {0, UTIME_OMIT};
  return {static_cast<time_t>(value / 1'000'000'000ull), static_cast<long>(value % 1'000'000'000ull)};
}
}  // namespace

Result<std::array<struct timespec, 2>> to_host_times(const TimesUpdate& t) noexcept {
  const uint16_t f = t.fst_flags;
  if ((f & fstflags::atim) && (f & fstflags::atim_now)) return Errno::inval;
  if ((f & fstflags::mtim) && (f & fstflags::mtim_now)) return Errno::inval;
  return std::array<struct timespec, 2>{
      one(t.atim, f & fstflags::atim, f & fstflags::atim_now),
      one(t.mtim, f & fstflags::mtim, f & fstflags::mtim_now)};
}

}  // namespace wasinet::wasi
