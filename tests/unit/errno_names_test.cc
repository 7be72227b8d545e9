// errno_name (WASI's names, for traces) and errno_symbol (POSIX symbols,
// for messages to people: "refused by the network policy (EACCES)", not
// "(acces)").
#include <gtest/gtest.h>

#include "wasi/errno.hh"

namespace wasinet::wasi {
namespace {

TEST(ErrnoNames, SymbolsAreThePosixOnes) {
  EXPECT_EQ(errno_name(Errno::acces), "acces");
  EXPECT_EQ(errno_symbol(Errno::acces), "EACCES");
  EXPECT_EQ(errno_symbol(Errno::toobig), "E2BIG");
  EXPECT_EQ(errno_symbol(Errno::addrinuse), "EADDRINUSE");
  EXPECT_EQ(errno_symbol(Errno::notcapable), "ENOTCAPABLE");
  EXPECT_EQ(errno_symbol(Errno::xdev), "EXDEV");
}

}  // namespace
}  // namespace wasinet::wasi
