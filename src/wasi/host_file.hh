#pragma once
// A host file the guest opened with path_open: a regular file, or
// generically a character device or FIFO found in a preopened tree.
//
// The host descriptor belongs to this object alone (unlike stdio), so the
// fdflags the host must honour are applied to it directly.
#include "os/unique_fd.hh"
#include "wasi/file_object.hh"

namespace wasinet::wasi {

class HostFile final : public FileObject {
 public:
  // `fd` is opened blocking (O_NONBLOCK clear), with the sync fdflags the
  // guest asked for already as open(2) flags. `read_only` marks a file under
  // a read-only preopen: it is opened O_RDONLY, and its times may not change
  // either.
  HostFile(os::UniqueFd fd, Filetype type, bool read_only)
      : fd_(std::move(fd)), type_(type), read_only_(read_only) {}

  Filetype filetype() const override { return type_; }
  int host_fd() const override { return fd_.get(); }
  bool always_ready() const override { return type_ == Filetype::regular_file; }
  bool read_only() const noexcept { return read_only_; }

  Result<size_t> read(IoVecs iovs, bool nonblocking) override;
  Result<size_t> write(IoVecs iovs, bool nonblocking) override;
  Result<size_t> pread(IoVecs iovs, FileSize offset) override;
  Result<size_t> pwrite(IoVecs iovs, FileSize offset) override;
  Result<FileSize> seek(int64_t offset, Whence whence) override;
  Status sync() override;
  Status datasync() override;
  Status advise(FileSize offset, FileSize len, Advice advice) override;
  Status allocate(FileSize offset, FileSize len) override;
  Result<Filestat> filestat() override;
  Status set_size(FileSize size) override;
  Status set_times(const TimesUpdate& times) override;
  Status set_host_flags(uint16_t fdflags) override;

 private:
  // After a write: emulates the sync fdflags set after open, which Linux
  // F_SETFL cannot change.
  Status after_write();

  os::UniqueFd fd_;
  Filetype type_;
  bool read_only_;
  uint16_t sync_flags_ = 0;  // fdflags::sync / dsync / rsync still to emulate
};

}  // namespace wasinet::wasi
