#pragma once
// What a guest fd refers to: a file, a directory, stdio, a socket
// (net/socket.hh).
//
// Every operation has a default answer for kinds that do not support it
// (as wasmtime's preview1 does), so each kind overrides only what it can do.
// Guest-visible fd flags live in the fd table entry, not here; the object is
// told the ones it needs (e.g. `nonblocking`) per call.
#include <cstdint>
#include <span>
#include <string>

#include "wasi/result.hh"
#include "wasi/types.hh"

namespace wasinet::wasi {

using IoVecs = std::span<const std::span<uint8_t>>;

struct Filestat {
  uint64_t dev = 0;
  uint64_t ino = 0;
  Filetype filetype = Filetype::unknown;
  uint64_t nlink = 0;
  FileSize size = 0;
  Timestamp atim = 0;
  Timestamp mtim = 0;
  Timestamp ctim = 0;
};

// A timestamp update for filestat_set_times: `fst_flags` says which of the
// two times are set to the given value or to now.
struct TimesUpdate {
  Timestamp atim = 0;
  Timestamp mtim = 0;
  uint16_t fst_flags = 0;
};

class FileObject {
 public:
  virtual ~FileObject() = default;

  virtual Filetype filetype() const = 0;

  // The host descriptor poll_oneoff waits on, or -1 when there is none.
  virtual int host_fd() const { return -1; }
  // Regular files are always ready for reading and writing (POSIX poll).
  virtual bool always_ready() const { return false; }
  // Never readable for poll_oneoff now, whatever the kernel says (a
  // listener that stopped accepting: its queue is other guests').
  virtual bool read_paused() const { return false; }
  // Other guests wait on the same kernel object (a shared listener):
  // poll_oneoff waits on it with EPOLLEXCLUSIVE, so that one connection
  // wakes one guest.
  virtual bool exclusive_wait() const { return false; }

  virtual Result<size_t> read(IoVecs iovs, bool nonblocking);
  virtual Result<size_t> write(IoVecs iovs, bool nonblocking);
  virtual Result<size_t> pread(IoVecs iovs, FileSize offset);
  virtual Result<size_t> pwrite(IoVecs iovs, FileSize offset);
  virtual Result<FileSize> seek(int64_t offset, Whence whence);
  virtual Status sync();
  virtual Status datasync();
  virtual Status advise(FileSize offset, FileSize len, Advice advice);
  virtual Status allocate(FileSize offset, FileSize len);
  virtual Result<Filestat> filestat();
  virtual Status set_size(FileSize size);
  virtual Status set_times(const TimesUpdate& times);
  // Applies fdflags the host must honour itself (append, sync variants).
  // Nonblock is never passed down: it is a guest-visible flag only.
  virtual Status set_host_flags(uint16_t fdflags);
};

}  // namespace wasinet::wasi
