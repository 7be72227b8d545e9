#pragma once
// A host directory the guest reaches through an fd: a preopen or one it
// opened with path_open. Every path the guest names is resolved beneath it
// (see path_resolver.hh) and can never escape it.
#include <memory>
#include <string>

#include "os/unique_fd.hh"
#include "wasi/file_object.hh"

namespace wasinet::wasi {

class Directory final : public FileObject {
 public:
  // `fd` is an O_RDONLY|O_DIRECTORY descriptor. `read_only` marks a tree
  // the guest may not change, whatever rights it holds.
  Directory(os::UniqueFd fd, bool read_only) : fd_(std::move(fd)), read_only_(read_only) {}

  // Opens `host_path` as a directory; throws wasinet::Error with a clear
  // message when it does not exist or is not a directory.
  static std::shared_ptr<Directory> open_host(const std::string& host_path, bool read_only);

  Filetype filetype() const override { return Filetype::directory; }
  int dir_fd() const noexcept { return fd_.get(); }
  bool read_only() const noexcept { return read_only_; }

  Result<Filestat> filestat() override;
  Status sync() override;
  Status datasync() override;
  Status set_times(const TimesUpdate& times) override;

 private:
  os::UniqueFd fd_;
  bool read_only_;
};

}  // namespace wasinet::wasi
