#pragma once
// What the os/ wrappers return: a value, or the host errno that stopped
// the call. os/ knows nothing of WASI; the layer above maps an errno once
// (wasi::errno_from_host, wasi::from_host in wasi/result.hh).
#include <utility>

namespace wasinet::os {

// 0 for success, else a host errno (EINTR, ETIMEDOUT, ...).
using HostStatus = int;

template <class T>
struct [[nodiscard]] HostResult {
  T value{};
  int error = 0;  // host errno; 0: `value` is the result

  bool ok() const noexcept { return error == 0; }
  static HostResult failed(int host_errno) { return HostResult{T{}, host_errno}; }
};

}  // namespace wasinet::os
