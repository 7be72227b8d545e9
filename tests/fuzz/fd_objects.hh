#pragma once
// Fd-table entries for the targets that call host functions: host
// descriptors wrapped as the runtime wraps stdio, with every right.
#include <fcntl.h>

#include <memory>

#include "fuzz_check.hh"
#include "os/unique_fd.hh"
#include "wasi/fd_table.hh"
#include "wasi/stdio.hh"

namespace wasinet::fuzz {

inline wasi::Fd add_host_fd(wasi::FdTable& fds, int host_fd, uint16_t fdflags = 0) {
  FUZZ_CHECK(host_fd >= 0, "no host descriptor");
  wasi::FdEntry e;
  e.object = std::make_shared<wasi::Stdio>(os::UniqueFd(host_fd));
  e.rights_base = wasi::rights::all;
  e.rights_inheriting = wasi::rights::all;
  e.fdflags = fdflags;
  auto fd = fds.insert(std::move(e));
  FUZZ_CHECK(fd.ok(), "fd table full");
  return *fd;
}

inline int open_device(const char* path) { return ::open(path, O_RDWR | O_CLOEXEC); }

}  // namespace wasinet::fuzz
