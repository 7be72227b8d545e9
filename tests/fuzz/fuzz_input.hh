#pragma once
// Reads a fuzzer's input as a little record: fixed-size numbers from the
// front, then whatever bytes are left. An exhausted input reads as zeros,
// so every input, however short, means something.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

namespace wasinet::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : rest_(data, size) {}

  template <class T>
  T take() noexcept {
    static_assert(std::is_trivially_copyable_v<T>);
    T value{};
    const size_t n = std::min(sizeof(T), rest_.size());
    std::memcpy(&value, rest_.data(), n);
    rest_ = rest_.subspan(n);
    return value;
  }

  // Up to `n` bytes.
  std::span<const uint8_t> bytes(size_t n) noexcept {
    n = std::min(n, rest_.size());
    auto out = rest_.first(n);
    rest_ = rest_.subspan(n);
    return out;
  }

  // The bytes up to the next `sep` (consumed, not returned), or all left.
  std::string_view text_until(char sep) noexcept {
    const auto* begin = reinterpret_cast<const char*>(rest_.data());
    const std::string_view all(begin, rest_.size());
    const size_t at = all.find(sep);
    const std::string_view out = all.substr(0, at);
    rest_ = rest_.subspan(at == std::string_view::npos ? rest_.size() : at + 1);
    return out;
  }

  std::span<const uint8_t> rest() noexcept {
    auto out = rest_;
    rest_ = {};
    return out;
  }

  bool empty() const noexcept { return rest_.empty(); }

 private:
  std::span<const uint8_t> rest_;
};

}  // namespace wasinet::fuzz
