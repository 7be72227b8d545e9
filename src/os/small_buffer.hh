#pragma once
// n elements of T, value-initialised: inline up to N (the common small
// call: Go's netpoller polls one clock and a few fds; most reads and writes
// name one or two buffers), on the heap beyond. The one small-buffer type
// of the host: it sits in os/, the bottom layer, so every layer can use it.
#include <cstddef>
#include <memory>
#include <span>

namespace wasinet::os {

template <class T, size_t N>
class SmallBuffer {
 public:
  explicit SmallBuffer(size_t n) : size_(n) {
    if (n > N) heap_ = std::make_unique<T[]>(n);
  }
  SmallBuffer(const SmallBuffer&) = delete;
  SmallBuffer& operator=(const SmallBuffer&) = delete;

  T* data() noexcept { return heap_ ? heap_.get() : inline_; }
  const T* data() const noexcept { return heap_ ? heap_.get() : inline_; }
  size_t size() const noexcept { return size_; }
  T& operator[](size_t i) noexcept { return data()[i]; }
  const T& operator[](size_t i) const noexcept { return data()[i]; }
  std::span<T> span() noexcept { return {data(), size_}; }
  T* begin() noexcept { return data(); }
  T* end() noexcept { return data() + size_; }

 private:
  T inline_[N]{};
  std::unique_ptr<T[]> heap_;
  size_t size_;
};

}  // namespace wasinet::os
