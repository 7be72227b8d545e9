// sock_accept, sock_recv, sock_send, sock_shutdown.
//
// No socket kind exists in the fd table yet, so every open fd answers
// ENOTSOCK and a closed one EBADF, as the spec asks.
#include "abi/host_function.hh"
#include "abi/preview1.hh"

namespace wasinet::abi {
namespace {

using wasi::Errno;

Errno not_a_socket(Call& c, uint32_t fd) {
  WASINET_TRY(wasi::FdEntry * e, c.ctx.fds.get(fd));
  (void)e;
  return Errno::notsock;
}

Errno sock_accept(Call& c, uint32_t fd, uint32_t /*flags*/, uint32_t /*ro_fd*/) {
  return not_a_socket(c, fd);
}
Errno sock_recv(Call& c, uint32_t fd, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) {
  return not_a_socket(c, fd);
}
Errno sock_send(Call& c, uint32_t fd, uint32_t, uint32_t, uint32_t, uint32_t) {
  return not_a_socket(c, fd);
}
Errno sock_shutdown(Call& c, uint32_t fd, uint32_t /*how*/) { return not_a_socket(c, fd); }

}  // namespace

void add_preview1_sock(HostFunctions& out) {
  out.push_back(bind<&sock_accept>(kPreview1, "sock_accept"));
  out.push_back(bind<&sock_recv>(kPreview1, "sock_recv"));
  out.push_back(bind<&sock_send>(kPreview1, "sock_send"));
  out.push_back(bind<&sock_shutdown>(kPreview1, "sock_shutdown"));
}

}  // namespace wasinet::abi
