// parse_dir_flag: `--dir HOST[::GUEST][:ro]`.
#include "cli/dir_flag.hh"

#include <gtest/gtest.h>

#include "wasinet/error.hh"

namespace wasinet::cli {
namespace {

TEST(DirFlag, HostOnlyIsSeenAtTheSamePath) {
  DirMapping d = parse_dir_flag("/srv/data");
  EXPECT_EQ(d.host, "/srv/data");
  EXPECT_EQ(d.guest, "/srv/data");
  EXPECT_FALSE(d.read_only);
}

TEST(DirFlag, RelativeHostOnly) {
  DirMapping d = parse_dir_flag("data");
  EXPECT_EQ(d.host, "data");
  EXPECT_EQ(d.guest, "data");
  EXPECT_FALSE(d.read_only);
}

TEST(DirFlag, HostAndGuest) {
  DirMapping d = parse_dir_flag("./data::/data");
  EXPECT_EQ(d.host, "./data");
  EXPECT_EQ(d.guest, "/data");
  EXPECT_FALSE(d.read_only);
}

TEST(DirFlag, HostGuestReadOnly) {
  DirMapping d = parse_dir_flag("/tmp/x::/x:ro");
  EXPECT_EQ(d.host, "/tmp/x");
  EXPECT_EQ(d.guest, "/x");
  EXPECT_TRUE(d.read_only);
}

TEST(DirFlag, HostOnlyReadOnly) {
  DirMapping d = parse_dir_flag("/etc:ro");
  EXPECT_EQ(d.host, "/etc");
  EXPECT_EQ(d.guest, "/etc");
  EXPECT_TRUE(d.read_only);
}

TEST(DirFlag, GuestRootSlash) {
  DirMapping d = parse_dir_flag("/tmp/root::/");
  EXPECT_EQ(d.host, "/tmp/root");
  EXPECT_EQ(d.guest, "/");
  EXPECT_FALSE(d.read_only);
}

TEST(DirFlag, GuestNameWithoutSlash) {
  DirMapping d = parse_dir_flag("/tmp/w::.");
  EXPECT_EQ(d.host, "/tmp/w");
  EXPECT_EQ(d.guest, ".");
}

// A directory whose name merely ends in "ro" is not read-only.
TEST(DirFlag, NameEndingInRoIsNotAFlag) {
  DirMapping d = parse_dir_flag("/srv/intro");
  EXPECT_EQ(d.host, "/srv/intro");
  EXPECT_FALSE(d.read_only);
}

TEST(DirFlag, EmptyValueIsRejected) {
  EXPECT_THROW(parse_dir_flag(""), Error);
}

TEST(DirFlag, EmptyHostIsRejected) {
  EXPECT_THROW(parse_dir_flag("::/data"), Error);
}

TEST(DirFlag, EmptyGuestIsRejected) {
  EXPECT_THROW(parse_dir_flag("/data::"), Error);
  EXPECT_THROW(parse_dir_flag("/data:::ro"), Error);
}

TEST(DirFlag, ErrorNamesTheFlagAndTheForms) {
  try {
    parse_dir_flag("::x");
    FAIL() << "no exception";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("--dir ::x"), std::string::npos) << what;
    EXPECT_NE(what.find("HOST::GUEST"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
  }
}

}  // namespace
}  // namespace wasinet::cli
