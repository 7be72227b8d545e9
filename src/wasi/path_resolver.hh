#pragma once
// Resolving guest paths beneath a directory descriptor so that they can
// never name anything outside it (Linux: openat2 with RESOLVE_BENEATH).
//
// Two shapes of lookup:
//  - open_beneath resolves the whole path, for path_open and for the
//    calls that follow the final symlink;
//  - resolve_parent resolves everything but the last component, for the
//    calls that act on a name itself (unlinkat, mkdirat, renameat, ...).
//    The kernel never walks that last name for those calls, so the parent
//    being beneath the directory is enough.
//
// Escapes (`..` above the directory, absolute paths, absolute symlinks,
// symlinks leading out) fail with ENOTCAPABLE; magic links such as
// /proc/self/root fail with ELOOP.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "os/unique_fd.hh"
#include "wasi/result.hh"

namespace wasinet::wasi {

// Longest guest path accepted, as Linux PATH_MAX (with its NUL).
inline constexpr size_t kMaxPathLength = 4095;

// Checks a guest path before any host call sees it: ENOENT when empty,
// EINVAL when it holds a NUL byte (the kernel would silently cut it there),
// ENAMETOOLONG beyond kMaxPathLength, ENOTCAPABLE when absolute.
Status check_guest_path(std::string_view path) noexcept;

// Opens `path` beneath `dir_fd` (POSIX openat, confined). `flags` are open(2)
// flags; O_CLOEXEC is always added. The final symlink is followed unless
// `flags` has O_NOFOLLOW.
Result<os::UniqueFd> open_beneath(int dir_fd, std::string_view path, int flags, mode_t mode = 0);

// The directory holding a path's last component, and that component.
struct ParentPath {
  os::UniqueFd owned;  // set when the parent is not `dir_fd` itself
  int fd = -1;         // the parent directory (O_PATH), owned or borrowed
  std::string name;    // last component, trailing slashes removed
  // The path ended in '/': POSIX then requires a directory and follows a
  // final symlink; the *at calls that take `name_for_kernel()` honour it.
  bool trailing_slash = false;

  // `name`, with one '/' back when the guest wrote one, for the calls whose
  // kernel code never follows the last component (mkdirat, unlinkat,
  // renameat, symlinkat and linkat's new name).
  std::string name_for_kernel() const { return trailing_slash ? name + "/" : name; }

  // Whether a lookup of the last component (stat, utimensat, readlink,
  // linkat's old name) must go through open_beneath instead of acting on
  // `name`: the kernel would follow a symlink there, or `..` would step
  // outside the parent.
  bool needs_full_lookup() const {
    const std::string_view n = name;
    return trailing_slash || n == "." || n == "..";
  }
};

// Resolves everything but the last component of `path` beneath `dir_fd`.
Result<ParentPath> resolve_parent(int dir_fd, std::string_view path);

}  // namespace wasinet::wasi
