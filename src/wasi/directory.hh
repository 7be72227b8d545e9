#pragma once
// A host directory the guest reaches through an fd: a preopen or one it
// opened with path_open. Every path the guest names is resolved beneath it
// (see path_resolver.hh) and can never escape it.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "os/unique_fd.hh"
#include "wasi/file_object.hh"

namespace wasinet::wasi {

// One directory entry as fd_readdir reports it. `next` is the cookie that
// resumes reading just after this entry.
struct DirEntry {
  uint64_t next = 0;
  uint64_t ino = 0;
  Filetype type = Filetype::unknown;
  std::string_view name;
};

// What path_open asks for, decoded by the adapter.
struct OpenRequest {
  uint32_t lookupflags = 0;
  uint16_t oflags = 0;
  uint16_t fdflags = 0;
  bool read = false;   // the rights granted include reading
  bool write = false;  // the rights granted include writing
};

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

  // Calls `sink` for each entry from `cookie` on (0 = the start) until the
  // directory ends or `sink` returns false.
  using DirEntrySink = std::function<bool(const DirEntry&)>;
  Status readdir(uint64_t cookie, const DirEntrySink& sink);

  // path_open: a Directory for a directory, a HostFile otherwise. Beneath a
  // read-only tree files are opened O_RDONLY and creating, truncating or
  // writing is EROFS.
  Result<std::shared_ptr<FileObject>> open(std::string_view path, const OpenRequest& request);

  Status create_directory(std::string_view path);
  Status remove_directory(std::string_view path);
  Status unlink_file(std::string_view path);
  Status rename(std::string_view old_path, Directory& new_dir, std::string_view new_path);
  Status link(uint32_t old_lookupflags, std::string_view old_path, Directory& new_dir,
              std::string_view new_path);
  Status symlink(std::string_view target, std::string_view path);
  // Copies the link's target into `buf`, cut short silently when it does
  // not fit (as POSIX readlink); returns the bytes written.
  Result<size_t> readlink(std::string_view path, std::span<uint8_t> buf);
  Result<Filestat> path_filestat(uint32_t lookupflags, std::string_view path);
  Status path_set_times(uint32_t lookupflags, std::string_view path, const TimesUpdate& times);

 private:
  os::UniqueFd fd_;
  bool read_only_;
};

}  // namespace wasinet::wasi
