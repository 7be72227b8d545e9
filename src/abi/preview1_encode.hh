#pragma once
// Encoders of core values into preview1 structs in guest memory, shared by
// the adapters that return them.
#include "abi/guest_memory.hh"
#include "wasi/file_object.hh"

namespace wasinet::abi {

// Writes a 64-byte filestat at `out` (EFAULT when out of range).
Errno store_filestat(const GuestMemory& memory, uint32_t out, const wasi::Filestat& f);

}  // namespace wasinet::abi
