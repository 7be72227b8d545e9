#include "wasi/fd_table.hh"

#include <algorithm>

namespace wasinet::wasi {

Result<Fd> FdTable::insert(FdEntry entry) {
  if (entry.connection && connections_ >= max_connections_) return Errno::mfile;
  size_t i = std::min(first_free_hint_, entries_.size());
  while (i < entries_.size() && entries_[i]) ++i;
  if (i == entries_.size()) {
    if (entries_.size() >= max_fds_) return Errno::mfile;
    entries_.emplace_back();
  }
  if (entry.connection) ++connections_;
  entries_[i] = std::move(entry);
  if (open_gauge_) open_gauge_->fetch_add(1, std::memory_order_relaxed);
  first_free_hint_ = i + 1;
  return static_cast<Fd>(i);
}

Status FdTable::room_for(bool connection) const noexcept {
  if (connection && connections_ >= max_connections_) return Errno::mfile;
  if (entries_.size() < max_fds_) return Errno::success;
  const size_t from = std::min(first_free_hint_, entries_.size());
  for (size_t i = from; i < entries_.size(); ++i)
    if (!entries_[i]) return Errno::success;
  return Errno::mfile;
}

Result<FdEntry*> FdTable::get(Fd fd, Rights required) {
  if (fd >= entries_.size() || !entries_[fd]) return Errno::badf;
  FdEntry& e = *entries_[fd];
  if ((e.rights_base & required) != required) return Errno::notcapable;
  return &e;
}

Result<FdEntry*> FdTable::get_io(Fd fd, Rights required) {
  if (fd >= entries_.size() || !entries_[fd]) return Errno::badf;
  if (entries_[fd]->object->filetype() == Filetype::directory) return Errno::badf;
  return get(fd, required);
}

void FdTable::release(Fd fd) noexcept {
  if (entries_[fd]->connection) --connections_;
  entries_[fd].reset();
  if (open_gauge_) open_gauge_->fetch_sub(1, std::memory_order_relaxed);
  first_free_hint_ = std::min<size_t>(first_free_hint_, fd);
  // Shrink past trailing holes so end() stays meaningful for prestat scans.
  while (!entries_.empty() && !entries_.back()) entries_.pop_back();
}

Status FdTable::close(Fd fd) {
  if (fd >= entries_.size() || !entries_[fd]) return Errno::badf;
  release(fd);
  return Errno::success;
}

Status FdTable::renumber(Fd from, Fd to) {
  if (from >= entries_.size() || !entries_[from]) return Errno::badf;
  if (to >= entries_.size() || !entries_[to]) return Errno::badf;
  if (from == to) return Errno::success;
  // What `to` held is closed; the moved entry keeps its place in the count.
  if (entries_[to]->connection) --connections_;
  entries_[to] = std::move(entries_[from]);
  if (open_gauge_) open_gauge_->fetch_sub(1, std::memory_order_relaxed);
  entries_[from].reset();
  first_free_hint_ = std::min<size_t>(first_free_hint_, from);
  while (!entries_.empty() && !entries_.back()) entries_.pop_back();
  return Errno::success;
}

void FdTable::stop_counting_connection(Fd fd) noexcept {
  if (fd >= entries_.size() || !entries_[fd] || !entries_[fd]->connection) return;
  entries_[fd]->connection = false;
  --connections_;
}

}  // namespace wasinet::wasi
