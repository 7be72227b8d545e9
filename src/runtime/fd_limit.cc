#include "runtime/fd_limit.hh"

#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <fstream>

namespace wasinet::runtime {
namespace {

// The kernel's ceiling for RLIMIT_NOFILE (an "unlimited" hard limit cannot
// be reached by a soft one).
rlim_t nr_open() {
  std::ifstream in("/proc/sys/fs/nr_open");
  uint64_t n = 0;
  if (in >> n && n > 0) return static_cast<rlim_t>(n);
  return 1 << 20;  // Linux's default
}

size_t as_size(rlim_t v) {
  if (v == RLIM_INFINITY) return static_cast<size_t>(nr_open());
  return static_cast<size_t>(std::min<rlim_t>(v, SIZE_MAX));
}

}  // namespace

size_t fd_limit() noexcept {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return 1024;
  return as_size(r.rlim_cur);
}

size_t raise_fd_limit() noexcept {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return 1024;
  rlim_t want = r.rlim_max == RLIM_INFINITY ? nr_open() : r.rlim_max;
  if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < want) {
    rlimit raised = r;
    raised.rlim_cur = want;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) r = raised;
  }
  return as_size(r.rlim_cur);
}

size_t guest_fd_capacity(size_t host_limit) noexcept {
  return std::max<size_t>(host_limit > kHostFdReserve ? host_limit - kHostFdReserve : 0, 3);
}

}  // namespace wasinet::runtime
