#pragma once
// Guest-memory layouts of the preview1 structs, checked at compile time
// against the witx sizes and offsets. Copied in and out with memcpy.
#include <cstddef>
#include <cstdint>

namespace wasinet::abi {

struct WasiFdstat {
  uint8_t fs_filetype;
  uint8_t pad0;
  uint16_t fs_flags;
  uint32_t pad1;
  uint64_t fs_rights_base;
  uint64_t fs_rights_inheriting;
};
static_assert(sizeof(WasiFdstat) == 24 && offsetof(WasiFdstat, fs_flags) == 2 &&
              offsetof(WasiFdstat, fs_rights_base) == 8 &&
              offsetof(WasiFdstat, fs_rights_inheriting) == 16);

struct WasiFilestat {
  uint64_t dev;
  uint64_t ino;
  uint8_t filetype;
  uint8_t pad[7];
  uint64_t nlink;
  uint64_t size;
  uint64_t atim;
  uint64_t mtim;
  uint64_t ctim;
};
static_assert(sizeof(WasiFilestat) == 64 && offsetof(WasiFilestat, filetype) == 16 &&
              offsetof(WasiFilestat, nlink) == 24 && offsetof(WasiFilestat, size) == 32 &&
              offsetof(WasiFilestat, atim) == 40 && offsetof(WasiFilestat, mtim) == 48 &&
              offsetof(WasiFilestat, ctim) == 56);

// Followed in memory by d_namlen bytes of name (no NUL).
struct WasiDirent {
  uint64_t d_next;
  uint64_t d_ino;
  uint32_t d_namlen;
  uint8_t d_type;
  uint8_t pad[3];
};
static_assert(sizeof(WasiDirent) == 24 && offsetof(WasiDirent, d_namlen) == 16 &&
              offsetof(WasiDirent, d_type) == 20);

struct WasiPrestat {
  uint8_t tag;  // 0 = directory
  uint8_t pad[3];
  uint32_t pr_name_len;
};
static_assert(sizeof(WasiPrestat) == 8 && offsetof(WasiPrestat, pr_name_len) == 4);

struct WasiSubscription {
  uint64_t userdata;
  uint8_t tag;  // EventType
  uint8_t pad0[7];
  union {
    struct {
      uint32_t id;
      uint32_t pad;
      uint64_t timeout;
      uint64_t precision;
      uint16_t flags;
      uint8_t pad2[6];
    } clock;
    struct {
      uint32_t fd;
    } fd_readwrite;
  } u;
};
static_assert(sizeof(WasiSubscription) == 48 && offsetof(WasiSubscription, tag) == 8 &&
              offsetof(WasiSubscription, u) == 16 &&
              offsetof(WasiSubscription, u.clock.timeout) == 24 &&
              offsetof(WasiSubscription, u.clock.precision) == 32 &&
              offsetof(WasiSubscription, u.clock.flags) == 40);

struct WasiEvent {
  uint64_t userdata;
  uint16_t error;
  uint8_t type;
  uint8_t pad0[5];
  uint64_t nbytes;
  uint16_t flags;
  uint8_t pad1[6];
};
static_assert(sizeof(WasiEvent) == 32 && offsetof(WasiEvent, error) == 8 &&
              offsetof(WasiEvent, type) == 10 && offsetof(WasiEvent, nbytes) == 16 &&
              offsetof(WasiEvent, flags) == 24);

struct WasiIovec {
  uint32_t buf;
  uint32_t buf_len;
};
static_assert(sizeof(WasiIovec) == 8);

}  // namespace wasinet::abi
