#pragma once
// A guest's linear memory for the decoding targets: a heap block of exactly
// the fuzzer's bytes, so that ASan (whose redzones sit right after it)
// reports any host read or write past the memory the host was given.
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "abi/guest_memory.hh"

namespace wasinet::fuzz {

class GuestBuffer {
 public:
  explicit GuestBuffer(std::span<const uint8_t> contents)
      : size_(contents.size()), data_(new uint8_t[contents.size() ? contents.size() : 1]) {
    if (size_) std::memcpy(data_.get(), contents.data(), size_);
  }

  abi::GuestMemory memory() const { return abi::GuestMemory(data_.get(), size_); }
  uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

  // A pointer argument: mostly somewhere in or just past the memory (where
  // the interesting boundaries are), sometimes any 32-bit value at all.
  uint32_t pointer(uint32_t raw) const {
    return (raw & 0x80000000u) ? raw : static_cast<uint32_t>(raw % (size_ + 16));
  }

 private:
  size_t size_;
  std::unique_ptr<uint8_t[]> data_;
};

}  // namespace wasinet::fuzz
