#pragma once
// Finding the preopened directory that holds a guest path, for the host
// calls that name a path without a directory fd (unix socket addresses).
//
// Guests normally do this themselves (wasi-libc, Go) and pass the host a
// directory fd and a relative path; an address inside a socket call carries
// only the path, so the host applies the same rule:
//  - an absolute path goes to the preopen whose guest name is its longest
//    prefix, whole components only ("/run" holds "/run/a" but not
//    "/runner/a"); equal names: the lowest fd;
//  - a relative path goes to the first preopened directory (lowest fd): the
//    working directory of a Go guest when PWD is unset.
// Preopen names are compared as wasi-libc compares them: a leading "/" or
// "./" does not count, so "/", "." and "" all name the root, and "tmp" is
// "/tmp". Empty and "." components are ignored on both sides; ".." is kept
// and left for the confined lookup beneath the preopen to refuse.
#include <memory>
#include <string>
#include <string_view>

#include "wasi/directory.hh"
#include "wasi/fd_table.hh"
#include "wasi/result.hh"

namespace wasinet::wasi {

struct PreopenMatch {
  std::shared_ptr<Directory> dir;
  Fd fd = 0;
  Rights rights_base = 0;  // the preopen entry's rights
  // The rest of the path beneath `dir`, components joined by '/'; "." when
  // the path names the preopen itself.
  std::string relative;
};

// ENOTCAPABLE when no preopen holds the path (or there is none); the path
// is not checked further (callers validate it for their own use).
Result<PreopenMatch> find_preopen(FdTable& fds, std::string_view guest_path);

}  // namespace wasinet::wasi
