#pragma once
// The guest's stdin, stdout and stderr: the host's own, passed through.
//
// The host never changes flags on these descriptors (O_NONBLOCK is shared
// with the parent shell): a guest that asks for non-blocking stdin gets a
// zero-timeout poll before each read instead, and writes always complete.
#include "os/unique_fd.hh"
#include "wasi/file_object.hh"

namespace wasinet::wasi {

class Stdio final : public FileObject {
 public:
  // Takes ownership of `fd` (a duplicate of the host's 0, 1 or 2).
  explicit Stdio(os::UniqueFd fd);

  Filetype filetype() const override { return filetype_; }
  int host_fd() const override { return fd_.get(); }
  bool always_ready() const override { return filetype_ == Filetype::regular_file; }

  Result<size_t> read(IoVecs iovs, bool nonblocking) override;
  Result<size_t> write(IoVecs iovs, bool nonblocking) override;
  Result<Filestat> filestat() override;
  Status sync() override;
  Status datasync() override;

 private:
  os::UniqueFd fd_;
  Filetype filetype_;
};

}  // namespace wasinet::wasi
