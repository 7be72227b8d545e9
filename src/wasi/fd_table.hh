#pragma once
// The per-instance table of guest file descriptors.
//
// Guest fd numbers are indexes we hand out (lowest free first), never host
// descriptors. Entries hold their object by shared_ptr so a call that
// blocks keeps its object alive even if another path closes the fd.
//
// Two caps bound what a guest can hold (`--max-fds`, `--max-conns`):
// every fd counts against max_fds; entries marked `connection` (sockets
// the guest opened or accepted, not listening ones) also count against
// the connection cap. Beyond either, insert() fails with EMFILE.
#include <atomic>
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
  // Counts against the connection cap (see FdTable).
  bool connection = false;
};

class FdTable {
 public:
  // No connection cap beyond the fd cap.
  static constexpr size_t kNoConnectionCap = SIZE_MAX;

  explicit FdTable(size_t max_fds = 1024) : max_fds_(max_fds) {}

  // Inserts at the lowest free number; EMFILE when the table is full, or
  // when `entry` is a connection and the connection cap is reached.
  Result<Fd> insert(FdEntry entry);

  // EMFILE when insert() of such an entry would fail for want of room.
  Status room_for(bool connection) const noexcept;

  // Looks up an fd that must hold every right in `required`:
  // EBADF for a closed or unknown fd, ENOTCAPABLE when a right is missing.
  Result<FdEntry*> get(Fd fd, Rights required = 0);

  // Looks up an fd for a call on its bytes, offset or open mode (read,
  // write, pread, pwrite, seek, tell, advise, allocate, set_size,
  // set_flags): EBADF as get(), and EBADF for a directory, which has none
  // of those (as wasmtime answers), before any rights are checked.
  Result<FdEntry*> get_io(Fd fd, Rights required);

  // Looks up an fd whose object must be a T (e.g. Directory): EBADF as
  // get(), then `wrong_kind` (e.g. ENOTDIR) before any rights are checked,
  // so that a file passed as a directory says ENOTDIR, not ENOTCAPABLE.
  // The object comes back shared, alive even if the fd is closed meanwhile,
  // with its entry (flags, rights) from the same lookup.
  template <class T>
  struct Typed {
    std::shared_ptr<T> object;
    FdEntry* entry = nullptr;
  };
  template <class T>
  Result<Typed<T>> get_typed(Fd fd, Rights required, Errno wrong_kind) {
    if (fd >= entries_.size() || !entries_[fd]) return Errno::badf;
    FdEntry& e = *entries_[fd];
    auto object = std::dynamic_pointer_cast<T>(e.object);
    if (!object) return wrong_kind;
    if ((e.rights_base & required) != required) return Errno::notcapable;
    return Typed<T>{std::move(object), &e};
  }
  // get_typed, when only the object is wanted.
  template <class T>
  Result<std::shared_ptr<T>> get_as(Fd fd, Rights required, Errno wrong_kind) {
    WASINET_TRY(Typed<T> t, get_typed<T>(fd, required, wrong_kind));
    return std::move(t.object);
  }

  // Removes the entry; EBADF if there is none.
  Status close(Fd fd);

  // Moves `from` onto `to` (closing what `to` held), as fd_renumber.
  Status renumber(Fd from, Fd to);

  // The entry no longer counts as a connection (a socket that became a
  // listener). No-op for an unknown fd.
  void stop_counting_connection(Fd fd) noexcept;

  // One past the highest fd in use.
  Fd end() const noexcept { return static_cast<Fd>(entries_.size()); }

  size_t max_fds() const noexcept { return max_fds_; }
  void set_max_fds(size_t n) noexcept { max_fds_ = n; }

  size_t connections() const noexcept { return connections_; }
  // Keeps `gauge` equal to the number of fds in use from now on (for the
  // metrics; null: none). It must outlive the table.
  void count_open_fds_into(std::atomic<int64_t>* gauge) noexcept {
    open_gauge_ = gauge;
    size_t n = 0;
    for (const auto& e : entries_) n += e.has_value();
    if (gauge) gauge->store(static_cast<int64_t>(n), std::memory_order_relaxed);
  }
  void set_max_connections(size_t n) noexcept { max_connections_ = n; }

 private:
  // Empties slot `fd` (which must hold an entry) and trims trailing holes.
  void release(Fd fd) noexcept;

  std::vector<std::optional<FdEntry>> entries_;
  std::atomic<int64_t>* open_gauge_ = nullptr;
  size_t max_fds_;
  size_t max_connections_ = kNoConnectionCap;
  size_t connections_ = 0;
  // No free slot below this index: insert() starts looking here, which
  // keeps a table of thousands of sockets from being rescanned per accept.
  size_t first_free_hint_ = 0;
};

}  // namespace wasinet::wasi
