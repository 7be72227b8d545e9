#pragma once
// A bounds-checked view of a guest's linear memory.
//
// Every pointer and length the guest passes goes through here: a range that
// does not lie wholly inside the memory gives EFAULT and touches nothing.
// Values are little-endian and may be unaligned (wasm32 is little-endian,
// like every host we build for).
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "wasi/result.hh"

namespace wasinet::abi {

using wasi::Errno;
using wasi::Result;

class GuestMemory {
 public:
  GuestMemory() = default;
  GuestMemory(uint8_t* base, size_t size) : base_(base), size_(size) {}

  size_t size() const noexcept { return size_; }

  // Written so that no sum can wrap, whatever `len` the caller computed.
  bool contains(uint32_t ptr, uint64_t len) const noexcept {
    return len <= size_ && ptr <= size_ - len;
  }

  // The adapters' one check of a range they write later (an out-pointer,
  // an array they fill): EFAULT unless `len` bytes at `ptr` are inside.
  Errno check_range(uint32_t ptr, uint64_t len) const noexcept {
    return contains(ptr, len) ? Errno::success : Errno::fault;
  }
  // Room for `count` values of T at `ptr`.
  template <class T>
  Errno check_range(uint32_t ptr, uint64_t count = 1) const noexcept {
    // No product can wrap: count < 2^32 and sizeof(T) is small.
    return check_range(ptr, count * sizeof(T));
  }

  Result<std::span<uint8_t>> bytes(uint32_t ptr, uint64_t len) const noexcept {
    if (!contains(ptr, len)) return Errno::fault;
    return std::span<uint8_t>(base_ + ptr, static_cast<size_t>(len));
  }

  Result<std::string_view> string(uint32_t ptr, uint32_t len) const noexcept {
    if (!contains(ptr, len)) return Errno::fault;
    return std::string_view(reinterpret_cast<const char*>(base_ + ptr), len);
  }

  template <class T>
  Result<T> load(uint32_t ptr) const noexcept {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!contains(ptr, sizeof(T))) return Errno::fault;
    T value;
    std::memcpy(&value, base_ + ptr, sizeof(T));
    return value;
  }

  template <class T>
  Errno store(uint32_t ptr, const T& value) const noexcept {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!contains(ptr, sizeof(T))) return Errno::fault;
    std::memcpy(base_ + ptr, &value, sizeof(T));
    return Errno::success;
  }

  // Decodes `count` preview1 iovecs ({u32 buf, u32 len}) at `ptr`; every
  // buffer is checked. More than IOV_MAX (1024) entries is EINVAL.
  Result<std::vector<std::span<uint8_t>>> iovecs(uint32_t ptr, uint32_t count) const;

 private:
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
};

}  // namespace wasinet::abi
