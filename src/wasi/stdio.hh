#pragma once
// The guest's stdin, stdout and stderr: the host's own, passed through.
//
// The host never changes flags on these descriptors (O_NONBLOCK is shared
// with the parent shell): a guest that asks for non-blocking stdin gets a
// zero-timeout poll before each read instead, and writes always complete.
#include <memory>
#include <string>

#include "os/unique_fd.hh"
#include "os/wake_event.hh"
#include "wasi/file_object.hh"

namespace wasinet::wasi {

class Stdio final : public FileObject {
 public:
  // Takes ownership of `fd` (a duplicate of the host's 0, 1 or 2). A
  // blocking read or a wait for room ends with EINTR once `wake` fires.
  explicit Stdio(os::UniqueFd fd, std::shared_ptr<const os::WakeEvent> wake = nullptr);
  // Writes what is left of a partial line (whole_lines).
  ~Stdio() override;

  // From now on writes reach the host in whole lines only (GuestOptions::
  // whole_lines): each write passes on every complete line it now has in
  // one write(2), under one lock shared by every Stdio of the process, so
  // several guests' lines never mix inside a line; a partial line waits
  // for its end, or is passed on when it reaches kMaxPartialLine.
  void write_whole_lines() noexcept { whole_lines_ = true; }
  static constexpr size_t kMaxPartialLine = 64 * 1024;

  Filetype filetype() const override { return filetype_; }
  int host_fd() const override { return fd_.get(); }
  bool always_ready() const override { return filetype_ == Filetype::regular_file; }

  Result<size_t> read(IoVecs iovs, bool nonblocking) override;
  Result<size_t> write(IoVecs iovs, bool nonblocking) override;
  Result<Filestat> filestat() override;
  Status sync() override;
  Status datasync() override;

 private:
  int wake_fd() const noexcept { return wake_ ? wake_->fd() : -1; }

  // Passes on pending_'s first `n` bytes under the process-wide line lock.
  Status pass_on(size_t n);

  os::UniqueFd fd_;
  Filetype filetype_;
  std::shared_ptr<const os::WakeEvent> wake_;
  bool whole_lines_ = false;
  std::string pending_;  // whole_lines: the partial last line
};

}  // namespace wasinet::wasi
