#pragma once
// Guest buffers (IoVecs) as host iovecs, for readv/writev/recvmsg/sendmsg
// without copying the bytes: inline storage for the common few entries.
// Mutable, so a call that goes on after a partial transfer can advance.
#include <sys/uio.h>

#include <span>

#include "os/io_linux.hh"
#include "os/small_buffer.hh"
#include "wasi/file_object.hh"

namespace wasinet::wasi {

class HostIovecs {
 public:
  explicit HostIovecs(IoVecs iovs) : storage_(iovs.size()) {
    for (size_t i = 0; i < iovs.size(); ++i) {
      storage_[i] = {iovs[i].data(), iovs[i].size()};
      total_ += iovs[i].size();
    }
    rest_ = storage_.span();
  }

  // What is left to transfer.
  std::span<iovec> rest() noexcept { return rest_; }
  iovec* data() noexcept { return rest_.data(); }
  size_t count() const noexcept { return rest_.size(); }
  // Bytes in all the buffers, as given.
  size_t total() const noexcept { return total_; }

  // Drops the first `n` bytes of what is left.
  void advance(size_t n) noexcept { os::advance(rest_, n); }

 private:
  os::SmallBuffer<iovec, 16> storage_;
  std::span<iovec> rest_;
  size_t total_ = 0;
};

}  // namespace wasinet::wasi
