#include "wasi/errno.hh"

#include <cctype>

namespace wasinet::wasi {

std::string_view errno_name(Errno e) noexcept {
  static constexpr std::string_view kNames[] = {
      "success", "2big", "acces", "addrinuse", "addrnotavail", "afnosupport", "again",
      "already", "badf", "badmsg", "busy", "canceled", "child", "connaborted", "connrefused",
      "connreset", "deadlk", "destaddrreq", "dom", "dquot", "exist", "fault", "fbig",
      "hostunreach", "idrm", "ilseq", "inprogress", "intr", "inval", "io", "isconn", "isdir",
      "loop", "mfile", "mlink", "msgsize", "multihop", "nametoolong", "netdown", "netreset",
      "netunreach", "nfile", "nobufs", "nodev", "noent", "noexec", "nolck", "nolink", "nomem",
      "nomsg", "noprotoopt", "nospc", "nosys", "notconn", "notdir", "notempty",
      "notrecoverable", "notsock", "notsup", "notty", "nxio", "overflow", "ownerdead", "perm",
      "pipe", "proto", "protonosupport", "prototype", "range", "rofs", "spipe", "srch", "stale",
      "timedout", "txtbsy", "xdev", "notcapable"};
  auto i = static_cast<size_t>(e);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

// WASI's names are the POSIX ones without the E, in lower case.
std::string errno_symbol(Errno e) {
  std::string s = "E";
  for (char c : errno_name(e)) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace wasinet::wasi
