#include "wasi/fd_table.hh"

namespace wasinet::wasi {

Result<Fd> FdTable::insert(FdEntry entry) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!entries_[i]) {
      entries_[i] = std::move(entry);
      return static_cast<Fd>(i);
    }
  }
  if (entries_.size() >= max_fds_) return Errno::mfile;
  entries_.push_back(std::move(entry));
  return static_cast<Fd>(entries_.size() - 1);
}

Result<FdEntry*> FdTable::get(Fd fd, Rights required) {
  if (fd >= entries_.size() || !entries_[fd]) return Errno::badf;
  FdEntry& e = *entries_[fd];
  if ((e.rights_base & required) != required) return Errno::notcapable;
  return &e;
}

Status FdTable::close(Fd fd) {
  if (fd >= entries_.size() || !entries_[fd]) return Errno::badf;
  entries_[fd].reset();
  // Shrink past trailing holes so end() stays meaningful for prestat scans.
  while (!entries_.empty() && !entries_.back()) entries_.pop_back();
  return Errno::success;
}

Status FdTable::renumber(Fd from, Fd to) {
  if (from >= entries_.size() || !entries_[from]) return Errno::badf;
  if (to >= entries_.size() || !entries_[to]) return Errno::badf;
  if (from == to) return Errno::success;
  entries_[to] = std::move(entries_[from]);
  entries_[from].reset();
  while (!entries_.empty() && !entries_.back()) entries_.pop_back();
  return Errno::success;
}

}  // namespace wasinet::wasi
