#pragma once
// The per-instance table of guest file descriptors.
//
// Guest fd numbers are indexes we hand out (lowest free first), never host
// descriptors. Entries hold their object by shared_ptr so a call that
// blocks keeps its object alive even if another path closes the fd.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasi/file_object.hh"
#include "wasi/result.hh"
#include "wasi/types.hh"

namespace wasinet::wasi {

struct FdEntry {
  std::shared_ptr<FileObject> object;
  Rights rights_base = 0;
  Rights rights_inheriting = 0;
  uint16_t fdflags = 0;  // guest-visible flags, nonblock included
  // Set for preopened directories: the guest path they are known by.
  std::optional<std::string> preopen_name;
};

class FdTable {
 public:
  explicit FdTable(size_t max_fds = 1024) : max_fds_(max_fds) {}

  // Inserts at the lowest free number; EMFILE when the table is full.
  Result<Fd> insert(FdEntry entry);

  // Looks up an fd that must hold every right in `required`:
  // EBADF for a closed or unknown fd, ENOTCAPABLE when a right is missing.
  Result<FdEntry*> get(Fd fd, Rights required = 0);

  // Looks up an fd whose object must be a T (e.g. Directory): EBADF as
  // get(), then `wrong_kind` (e.g. ENOTDIR) before any rights are checked,
  // so that a file passed as a directory says ENOTDIR, not ENOTCAPABLE.
  // The object comes back shared, alive even if the fd is closed meanwhile.
  template <class T>
  Result<std::shared_ptr<T>> get_as(Fd fd, Rights required, Errno wrong_kind) {
    if (fd >= entries_.size() || !entries_[fd]) return Errno::badf;
    FdEntry& e = *entries_[fd];
    auto object = std::dynamic_pointer_cast<T>(e.object);
    if (!object) return wrong_kind;
    if ((e.rights_base & required) != required) return Errno::notcapable;
    return object;
  }

  // Removes the entry; EBADF if there is none.
  Status close(Fd fd);

  // Moves `from` onto `to` (closing what `to` held), as fd_renumber.
  Status renumber(Fd from, Fd to);

  // One past the highest fd in use.
  Fd end() const noexcept { return static_cast<Fd>(entries_.size()); }

  size_t max_fds() const noexcept { return max_fds_; }
  void set_max_fds(size_t n) noexcept { max_fds_ = n; }

 private:
  std::vector<std::optional<FdEntry>> entries_;
  size_t max_fds_;
};

}  // namespace wasinet::wasi
