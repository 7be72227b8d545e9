// The fd table's two caps: max_fds for every entry, max_connections for
// the sockets a guest made. EMFILE beyond either; closing frees a slot.
#include <gtest/gtest.h>

#include "runtime/fd_limit.hh"
#include "wasi/fd_table.hh"

namespace wasinet::wasi {
namespace {

FdEntry plain() { return FdEntry{}; }
FdEntry connection() {
  FdEntry e;
  e.connection = true;
  return e;
}

TEST(LimitsFdTable, FdCapGivesEmfileUntilAFdIsClosed) {
  FdTable t(5);
  for (Fd i = 0; i < 5; ++i) ASSERT_EQ(*t.insert(plain()), i);
  EXPECT_EQ(t.insert(plain()).error(), Errno::mfile);
  EXPECT_EQ(t.room_for(false), Errno::mfile);
  ASSERT_EQ(t.close(2), Errno::success);
  EXPECT_EQ(t.room_for(false), Errno::success);
  EXPECT_EQ(*t.insert(plain()), 2u) << "the lowest free number";
  EXPECT_EQ(t.insert(plain()).error(), Errno::mfile);
}

TEST(LimitsFdTable, LowestFreeFirstAfterManyCloses) {
  FdTable t(10'000);
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(t.insert(plain()).ok());
  for (Fd fd : {9000u, 17u, 500u}) ASSERT_EQ(t.close(fd), Errno::success);
  EXPECT_EQ(*t.insert(plain()), 17u);
  EXPECT_EQ(*t.insert(plain()), 500u);
  EXPECT_EQ(*t.insert(plain()), 9000u);
  EXPECT_EQ(t.insert(plain()).error(), Errno::mfile);
  // Trailing closes shrink the table; the next insert reuses the end.
  ASSERT_EQ(t.close(9999), Errno::success);
  ASSERT_EQ(t.close(9998), Errno::success);
  EXPECT_EQ(*t.insert(plain()), 9998u);
}

TEST(LimitsFdTable, ConnectionCap) {
  FdTable t(100);
  t.set_max_connections(2);
  ASSERT_TRUE(t.insert(plain()).ok());
  const Fd a = *t.insert(connection());
  const Fd b = *t.insert(connection());
  EXPECT_EQ(t.connections(), 2u);
  EXPECT_EQ(t.insert(connection()).error(), Errno::mfile);
  EXPECT_EQ(t.room_for(true), Errno::mfile);
  EXPECT_TRUE(t.insert(plain()).ok()) << "files are not connections";
  ASSERT_EQ(t.close(a), Errno::success);
  EXPECT_EQ(t.connections(), 1u);
  const Fd c = *t.insert(connection());
  // A listener stops counting.
  t.stop_counting_connection(b);
  t.stop_counting_connection(b);  // twice: still one less
  EXPECT_EQ(t.connections(), 1u);
  EXPECT_TRUE(t.insert(connection()).ok());
  EXPECT_EQ(t.insert(connection()).error(), Errno::mfile);
  (void)c;
}

TEST(LimitsFdTable, RenumberKeepsTheCount) {
  FdTable t(100);
  t.set_max_connections(3);
  const Fd file = *t.insert(plain());
  const Fd c1 = *t.insert(connection());
  const Fd c2 = *t.insert(connection());
  // A connection moved onto a file: still two connections.
  ASSERT_EQ(t.renumber(c1, file), Errno::success);
  EXPECT_EQ(t.connections(), 2u);
  // A connection moved onto a connection: the one overwritten is closed.
  ASSERT_EQ(t.renumber(file, c2), Errno::success);
  EXPECT_EQ(t.connections(), 1u);
  const Fd f2 = *t.insert(plain());
  // A file moved onto the last connection.
  ASSERT_EQ(t.renumber(f2, c2), Errno::success);
  EXPECT_EQ(t.connections(), 0u);
}

TEST(LimitsFdTable, GuestCapacityFollowsTheHostLimit) {
  EXPECT_EQ(runtime::guest_fd_capacity(1024), 1024u - runtime::kHostFdReserve);
  EXPECT_EQ(runtime::guest_fd_capacity(1'048'576), 1'048'576u - runtime::kHostFdReserve);
  EXPECT_EQ(runtime::guest_fd_capacity(10), 3u) << "stdio at least";
  const size_t before = runtime::fd_limit();
  const size_t raised = runtime::raise_fd_limit();
  EXPECT_GE(raised, before);
  EXPECT_EQ(runtime::fd_limit(), raised);
}

}  // namespace
}  // namespace wasinet::wasi
