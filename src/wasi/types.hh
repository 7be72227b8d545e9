#pragma once
// WASI preview1 scalar types and flag values (witx: wasi_snapshot_preview1).
#include <cstdint>

namespace wasinet::wasi {

using Fd = uint32_t;
using Size = uint32_t;
using FileSize = uint64_t;
using Timestamp = uint64_t;  // nanoseconds
using Rights = uint64_t;

enum class Filetype : uint8_t {
  unknown = 0, block_device = 1, character_device = 2, directory = 3,
  regular_file = 4, socket_dgram = 5, socket_stream = 6, symbolic_link = 7,
};

enum class ClockId : uint32_t { realtime = 0, monotonic = 1, process_cputime = 2, thread_cputime = 3 };

enum class Whence : uint8_t { set = 0, cur = 1, end = 2 };

enum class Advice : uint8_t { normal = 0, sequential = 1, random = 2, willneed = 3, dontneed = 4, noreuse = 5 };

enum class EventType : uint8_t { clock = 0, fd_read = 1, fd_write = 2 };

namespace fdflags {
inline constexpr uint16_t append = 1 << 0, dsync = 1 << 1, nonblock = 1 << 2, rsync = 1 << 3, sync = 1 << 4;
inline constexpr uint16_t all = append | dsync | nonblock | rsync | sync;
}  // namespace fdflags

namespace oflags {
inline constexpr uint16_t creat = 1 << 0, directory = 1 << 1, excl = 1 << 2, trunc = 1 << 3;
inline constexpr uint16_t all = creat | directory | excl | trunc;
}  // namespace oflags

namespace lookupflags {
inline constexpr uint32_t symlink_follow = 1 << 0;
}

namespace fstflags {
inline constexpr uint16_t atim = 1 << 0, atim_now = 1 << 1, mtim = 1 << 2, mtim_now = 1 << 3;
inline constexpr uint16_t all = atim | atim_now | mtim | mtim_now;
}

namespace subclockflags {
inline constexpr uint16_t abstime = 1 << 0;
}

namespace eventrwflags {
inline constexpr uint16_t hangup = 1 << 0;
}

namespace riflags {
inline constexpr uint16_t recv_peek = 1 << 0, recv_waitall = 1 << 1;
}
namespace roflags {
inline constexpr uint16_t recv_data_truncated = 1 << 0;
}
namespace sdflags {
inline constexpr uint8_t rd = 1 << 0, wr = 1 << 1;
}

namespace rights {
inline constexpr Rights fd_datasync = 1ull << 0, fd_read = 1ull << 1, fd_seek = 1ull << 2,
    fd_fdstat_set_flags = 1ull << 3, fd_sync = 1ull << 4, fd_tell = 1ull << 5, fd_write = 1ull << 6,
    fd_advise = 1ull << 7, fd_allocate = 1ull << 8, path_create_directory = 1ull << 9,
    path_create_file = 1ull << 10, path_link_source = 1ull << 11, path_link_target = 1ull << 12,
    path_open = 1ull << 13, fd_readdir = 1ull << 14, path_readlink = 1ull << 15,
    path_rename_source = 1ull << 16, path_rename_target = 1ull << 17, path_filestat_get = 1ull << 18,
    path_filestat_set_size = 1ull << 19, path_filestat_set_times = 1ull << 20,
    fd_filestat_get = 1ull << 21, fd_filestat_set_size = 1ull << 22,
    fd_filestat_set_times = 1ull << 23, path_symlink = 1ull << 24,
    path_remove_directory = 1ull << 25, path_unlink_file = 1ull << 26,
    poll_fd_readwrite = 1ull << 27, sock_shutdown = 1ull << 28, sock_accept = 1ull << 29;
inline constexpr Rights all = (1ull << 30) - 1;

// Rights that change the file system; a read-only preopen never grants them.
inline constexpr Rights mutating = fd_datasync | fd_write | fd_allocate | fd_sync |
    path_create_directory | path_create_file | path_link_source | path_link_target |
    path_rename_source | path_rename_target | path_filestat_set_size | path_filestat_set_times |
    fd_filestat_set_size | fd_filestat_set_times | path_symlink | path_remove_directory |
    path_unlink_file;

inline constexpr Rights regular_file = fd_datasync | fd_read | fd_seek | fd_fdstat_set_flags |
    fd_sync | fd_tell | fd_write | fd_advise | fd_allocate | fd_filestat_get |
    fd_filestat_set_size | fd_filestat_set_times | poll_fd_readwrite;
inline constexpr Rights directory = fd_fdstat_set_flags | fd_sync | fd_datasync | path_create_directory |
    path_create_file | path_link_source | path_link_target | path_open | fd_readdir |
    path_readlink | path_rename_source | path_rename_target | path_filestat_get |
    path_filestat_set_size | path_filestat_set_times | fd_filestat_get | fd_filestat_set_times |
    path_symlink | path_remove_directory | path_unlink_file;
inline constexpr Rights tty = fd_read | fd_fdstat_set_flags | fd_write | fd_filestat_get | poll_fd_readwrite;
inline constexpr Rights socket = fd_read | fd_write | fd_fdstat_set_flags | fd_filestat_get |
    poll_fd_readwrite | sock_shutdown | sock_accept;
}  // namespace rights

}  // namespace wasinet::wasi
