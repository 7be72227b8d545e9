#include "abi/guest_memory.hh"

namespace wasinet::abi {

Result<std::vector<std::span<uint8_t>>> GuestMemory::iovecs(uint32_t ptr, uint32_t count) const {
  constexpr uint32_t kIovMax = 1024;
  constexpr uint32_t kIovecSize = 8;
  if (count > kIovMax) return Errno::inval;
  if (!contains(ptr, uint64_t{count} * kIovecSize)) return Errno::fault;
  std::vector<std::span<uint8_t>> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf, len;
    std::memcpy(&buf, base_ + ptr + i * kIovecSize, 4);
    std::memcpy(&len, base_ + ptr + i * kIovecSize + 4, 4);
    auto span = bytes(buf, len);
    if (!span.ok()) return span.error();
    out.push_back(*span);
  }
  return out;
}

}  // namespace wasinet::abi
