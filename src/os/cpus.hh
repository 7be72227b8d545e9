#pragma once
// How many CPUs this process may run on.
#include <cstddef>

namespace wasinet::os {

// The CPUs in this process's affinity mask (sched_getaffinity), at least 1:
// what `--instances auto` and the C API's instances 0 mean.
size_t usable_cpus() noexcept;

}  // namespace wasinet::os
