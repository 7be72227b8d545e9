#pragma once
// WASI preview1 errno values, and the one place host errno maps to them.
#include <cstdint>
#include <string>
#include <string_view>

namespace wasinet::wasi {

enum class Errno : uint16_t {
  success = 0, toobig = 1, acces = 2, addrinuse = 3, addrnotavail = 4,
  afnosupport = 5, again = 6, already = 7, badf = 8, badmsg = 9, busy = 10,
  canceled = 11, child = 12, connaborted = 13, connrefused = 14,
  connreset = 15, deadlk = 16, destaddrreq = 17, dom = 18, dquot = 19,
  exist = 20, fault = 21, fbig = 22, hostunreach = 23, idrm = 24, ilseq = 25,
  inprogress = 26, intr = 27, inval = 28, io = 29, isconn = 30, isdir = 31,
  loop = 32, mfile = 33, mlink = 34, msgsize = 35, multihop = 36,
  nametoolong = 37, netdown = 38, netreset = 39, netunreach = 40, nfile = 41,
  nobufs = 42, nodev = 43, noent = 44, noexec = 45, nolck = 46, nolink = 47,
  nomem = 48, nomsg = 49, noprotoopt = 50, nospc = 51, nosys = 52,
  notconn = 53, notdir = 54, notempty = 55, notrecoverable = 56,
  notsock = 57, notsup = 58, notty = 59, nxio = 60, overflow = 61,
  ownerdead = 62, perm = 63, pipe = 64, proto = 65, protonosupport = 66,
  prototype = 67, range = 68, rofs = 69, spipe = 70, srch = 71, stale = 72,
  timedout = 73, txtbsy = 74, xdev = 75, notcapable = 76,
};

// Maps a Linux errno to its WASI counterpart; unknown values become EIO.
Errno errno_from_host(int host_errno) noexcept;

// For calls that return 0 or -1 with errno set: success, or errno mapped.
Errno status_from_host(int rc) noexcept;

// Short lower-case name ("badf", "noent"), for logs and traces.
std::string_view errno_name(Errno e) noexcept;

// The POSIX symbol ("EBADF", "EACCES"), for messages to people: WASI's
// own names read as typos there ("acces").
std::string errno_symbol(Errno e);

}  // namespace wasinet::wasi
