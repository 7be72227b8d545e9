// clock_res_get, clock_time_get.
#include "abi/host_function.hh"
#include "abi/preview1.hh"
#include "wasi/clock.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

Errno clock_res_get(Call& c, uint32_t id, uint32_t out) {
  WASINET_TRY(wasi::Timestamp res, wasi::clock_resolution(id));
  return c.memory.store<uint64_t>(out, res);
}

// `precision` is a hint the host may ignore; we always read the clock fully.
Errno clock_time_get(Call& c, uint32_t id, uint64_t /*precision*/, uint32_t out) {
  WASINET_TRY(wasi::Timestamp now, wasi::clock_time(id));
  return c.memory.store<uint64_t>(out, now);
}

}  // namespace

void add_preview1_clock(HostFunctions& out) {
  out.push_back(bind<&clock_res_get>(kPreview1, "clock_res_get"));
  out.push_back(bind<&clock_time_get>(kPreview1, "clock_time_get"));
}

}  // namespace wasinet::abi
