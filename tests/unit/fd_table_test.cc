// The fd table: lowest free number, EMFILE, rights, renumber, typed lookup.
#include "wasi/fd_table.hh"

#include <gtest/gtest.h>

#include <memory>

namespace wasinet::wasi {
namespace {

class Dummy : public FileObject {
 public:
  explicit Dummy(int id = 0) : id(id) {}
  Filetype filetype() const override { return Filetype::unknown; }
  int id;
};

class OtherKind : public FileObject {
 public:
  Filetype filetype() const override { return Filetype::directory; }
};

FdEntry entry(int id = 0, Rights rights = rights::fd_read) {
  FdEntry e;
  e.object = std::make_shared<Dummy>(id);
  e.rights_base = rights;
  return e;
}

int id_of(FdTable& t, Fd fd) {
  auto e = t.get(fd);
  if (!e.ok()) return -1;
  return static_cast<Dummy&>(*(*e)->object).id;
}

TEST(FdTableTest, InsertsAtLowestFreeNumber) {
  FdTable t;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(*t.insert(entry(i)), static_cast<Fd>(i));
  ASSERT_EQ(t.close(1), Errno::success);
  ASSERT_EQ(t.close(3), Errno::success);
  EXPECT_EQ(*t.insert(entry(10)), 1u);
  EXPECT_EQ(*t.insert(entry(11)), 3u);
  EXPECT_EQ(*t.insert(entry(12)), 5u);
  EXPECT_EQ(id_of(t, 1), 10);
}

TEST(FdTableTest, FullTableIsEmfile) {
  FdTable t(3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(t.insert(entry(i)).ok());
  EXPECT_EQ(t.insert(entry()).error(), Errno::mfile);
  ASSERT_EQ(t.close(2), Errno::success);
  EXPECT_EQ(*t.insert(entry()), 2u);
}

TEST(FdTableTest, UnknownOrClosedFdIsEbadf) {
  FdTable t;
  EXPECT_EQ(t.get(0).error(), Errno::badf);
  EXPECT_EQ(t.get(0xffffffffu).error(), Errno::badf);
  ASSERT_TRUE(t.insert(entry()).ok());
  ASSERT_EQ(t.close(0), Errno::success);
  EXPECT_EQ(t.get(0).error(), Errno::badf);
  EXPECT_EQ(t.close(0), Errno::badf);
  EXPECT_EQ(t.close(0xffffffffu), Errno::badf);
}

TEST(FdTableTest, MissingRightIsNotcapable) {
  FdTable t;
  ASSERT_TRUE(t.insert(entry(0, rights::fd_read | rights::fd_seek)).ok());
  EXPECT_TRUE(t.get(0, rights::fd_read).ok());
  EXPECT_TRUE(t.get(0, rights::fd_read | rights::fd_seek).ok());
  EXPECT_EQ(t.get(0, rights::fd_write).error(), Errno::notcapable);
  EXPECT_EQ(t.get(0, rights::fd_read | rights::fd_write).error(), Errno::notcapable);
}

TEST(FdTableTest, RenumberMovesAndReplaces) {
  FdTable t;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(t.insert(entry(i)).ok());
  auto old_to = (*t.get(1))->object;
  ASSERT_EQ(t.renumber(3, 1), Errno::success);
  EXPECT_EQ(id_of(t, 1), 3);
  EXPECT_EQ(t.get(3).error(), Errno::badf);
  EXPECT_EQ(old_to.use_count(), 1);  // the replaced object was released
  EXPECT_EQ(t.end(), 3u);            // trailing hole trimmed
  EXPECT_EQ(*t.insert(entry(7)), 3u);
}

TEST(FdTableTest, RenumberNeedsBothOpen) {
  FdTable t;
  ASSERT_TRUE(t.insert(entry(0)).ok());
  ASSERT_TRUE(t.insert(entry(1)).ok());
  EXPECT_EQ(t.renumber(0, 5), Errno::badf);
  EXPECT_EQ(t.renumber(5, 0), Errno::badf);
  EXPECT_EQ(t.renumber(0, 0), Errno::success);
  EXPECT_EQ(id_of(t, 0), 0);
  EXPECT_EQ(id_of(t, 1), 1);
}

TEST(FdTableTest, TypedLookupChecksKindBeforeRights) {
  FdTable t;
  ASSERT_TRUE(t.insert(entry(0, 0)).ok());
  FdEntry other;
  other.object = std::make_shared<OtherKind>();
  other.rights_base = rights::fd_readdir;
  ASSERT_TRUE(t.insert(std::move(other)).ok());

  EXPECT_EQ(t.get_as<OtherKind>(0, rights::fd_readdir, Errno::notdir).error(), Errno::notdir);
  EXPECT_EQ(t.get_as<OtherKind>(1, rights::path_open, Errno::notdir).error(), Errno::notcapable);
  EXPECT_EQ(t.get_as<OtherKind>(9, 0, Errno::notdir).error(), Errno::badf);
  auto ok = t.get_as<OtherKind>(1, rights::fd_readdir, Errno::notdir);
  ASSERT_TRUE(ok.ok());
  // The object outlives the fd while a call holds it.
  ASSERT_EQ(t.close(1), Errno::success);
  EXPECT_EQ((*ok)->filetype(), Filetype::directory);
}

}  // namespace
}  // namespace wasinet::wasi
