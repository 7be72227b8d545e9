// The sockets a service's guests listen on themselves (net/shared_binds.hh):
// one per address, and a bounded number of them.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "net/shared_binds.hh"
#include "os/unique_fd.hh"

namespace wasinet::net {
namespace {

// A TCP socket bound to 127.0.0.1:port with SO_REUSEPORT, not listening.
os::UniqueFd bound(uint16_t port) {
  os::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
  return fd;
}

uint16_t port_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

TEST(SharedBinds, OneSocketPerAddressAndABoundedNumber) {
  SharedBinds binds;
  os::UniqueFd first = bound(0);
  const uint16_t port = port_of(first.get());
  const std::string address = "127.0.0.1:" + std::to_string(port);
  int error = -1;
  EXPECT_FALSE(binds.listen_or_share(address, first.get(), 16, error)) << "the first listens itself";
  EXPECT_EQ(error, 0);
  os::UniqueFd second = bound(port);
  auto shared = binds.listen_or_share(address, second.get(), 16, error);
  ASSERT_TRUE(shared) << "the second gets the first's socket";
  EXPECT_EQ(port_of(shared->get()), port);
  // Past kMaxAddresses, guests listen on their own sockets.
  for (size_t k = 1; k < SharedBinds::kMaxAddresses; ++k) {
    os::UniqueFd s = bound(0);
    EXPECT_FALSE(binds.listen_or_share("127.0.0.1:" + std::to_string(port_of(s.get())), s.get(), 16, error));
  }
  os::UniqueFd extra = bound(0);
  const std::string extra_address = "127.0.0.1:" + std::to_string(port_of(extra.get()));
  EXPECT_FALSE(binds.listen_or_share(extra_address, extra.get(), 16, error));
  EXPECT_EQ(error, 0) << "it still listens";
  os::UniqueFd again = bound(port_of(extra.get()));
  EXPECT_FALSE(binds.listen_or_share(extra_address, again.get(), 16, error)) << "not kept: nothing to share";
}

}  // namespace
}  // namespace wasinet::net
