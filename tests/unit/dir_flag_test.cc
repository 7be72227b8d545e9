// parse_dir_flag: `--dir HOST[::GUEST][:ro|:rw]`.
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

// Issue 15: a relative HOST was seen at the same relative name, which Go
// joins with its working directory twice ("data/data/a.txt"), and "." gave
// Go a working directory of "." where nothing opens. The guest's "/" is the
// host's working directory instead.
TEST(DirFlag, RelativeHostOnlyIsSeenFromTheRoot) {
  struct Case {
    const char* value;
    const char* guest;
  } cases[] = {
      {".", "/"},          {"./", "/"},        {"data", "/data"},     {"./data", "/data"},
      {"data/", "/data"},  {"a//b/./c", "/a/b/c"}, {"a/../b", "/b"}, {"a/..", "/"},
      {"./a/b/../../c", "/c"}, {".:ro", "/"},
  };
  for (const Case& c : cases) {
    DirMapping d = parse_dir_flag(c.value);
    EXPECT_EQ(d.guest, c.guest) << c.value;
    EXPECT_EQ(d.host, std::string(c.value).substr(0, std::string(c.value).rfind(":ro"))) << c.value;
  }
  EXPECT_TRUE(parse_dir_flag(".:ro").read_only);
  EXPECT_TRUE(parse_dir_flag("data:ro").read_only);
  EXPECT_EQ(parse_dir_flag("data:ro").guest, "/data");
}

// A relative HOST above the working directory has no place under "/": the
// operator names the guest path.
TEST(DirFlag, RelativeHostAboveTheWorkingDirectoryNeedsAGuest) {
  for (const char* v : {"..", "../", "../x", "a/../..", "./../x:ro"}) {
    try {
      parse_dir_flag(v);
      ADD_FAILURE() << v << ": no exception";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind(std::string("--dir ") + v + ": ", 0), 0u) << what;
      EXPECT_NE(what.find("needs a guest path"), std::string::npos) << what;
      EXPECT_NE(what.find("::/"), std::string::npos) << "names the fix: " << what;
    }
  }
  DirMapping d = parse_dir_flag("../x::/x");
  EXPECT_EQ(d.host, "../x");
  EXPECT_EQ(d.guest, "/x");
}

TEST(DirFlag, WorkingDirectoryIsRootWhenTheFirstIsRelativeWithoutGuest) {
  EXPECT_EQ(parse_dir_flags({"."}).working_dir, "/");
  EXPECT_EQ(parse_dir_flags({"data", "/srv"}).working_dir, "/");
  EXPECT_EQ(parse_dir_flags({"./data:ro"}).working_dir, "/");
  EXPECT_EQ(parse_dir_flags({"/srv", "data"}).working_dir, "");
  EXPECT_EQ(parse_dir_flags({"./data::/data"}).working_dir, "");
  EXPECT_EQ(parse_dir_flags({}).working_dir, "");
  DirFlags f = parse_dir_flags({"data", "/srv::/s:ro"});
  ASSERT_EQ(f.dirs.size(), 2u);
  EXPECT_EQ(f.dirs[0].guest, "/data");
  EXPECT_EQ(f.dirs[1].guest, "/s");
  EXPECT_TRUE(f.dirs[1].read_only);
}

// ":rw" is the default written out, as in `docker run -v`.
TEST(DirFlag, RwIsTheDefaultWrittenOut) {
  DirMapping d = parse_dir_flag("/srv/x::/x:rw");
  EXPECT_EQ(d.host, "/srv/x");
  EXPECT_EQ(d.guest, "/x");
  EXPECT_FALSE(d.read_only);
  d = parse_dir_flag("/srv/x:rw");
  EXPECT_EQ(d.host, "/srv/x");
  EXPECT_EQ(d.guest, "/srv/x");
  EXPECT_FALSE(d.read_only);
}

// Issue 15: "./data::/data:RO" mounted a writable directory at "/data:RO".
// A guest path holds no ':'; what follows one is a suffix, and only :ro
// and :rw are suffixes.
TEST(DirFlag, UnknownSuffixesAreErrors) {
  struct Case {
    const char* value;
    const char* mention;
  } cases[] = {
      {"./data::/data:RO", "did you mean \":ro\"?"},
      {"./data::/data:Rw", "did you mean \":rw\"?"},
      {"./data::/data:xyz", "unknown suffix \":xyz\""},
      {"./data::/data:ro:rw", "unknown suffix \":ro:rw\""},
      {"./data::/data:", "unknown suffix \":\""},
      {"/srv/data:RO", "did you mean \":ro\"?"},
      {"/srv/data:xyz", "needs ::GUEST"},
      {"data:", "unknown suffix"},
  };
  for (const Case& c : cases) {
    try {
      DirMapping d = parse_dir_flag(c.value);
      ADD_FAILURE() << c.value << ": parsed as host " << d.host << " guest " << d.guest;
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind(std::string("--dir ") + c.value + ": ", 0), 0u) << what;
      EXPECT_NE(what.find(c.mention), std::string::npos) << c.value << " → " << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
    }
  }
}

// A ':' with a '/' after it is part of a host name, not a suffix.
TEST(DirFlag, ColonInsideAHostPath) {
  DirMapping d = parse_dir_flag("/srv/a:b/c");
  EXPECT_EQ(d.host, "/srv/a:b/c");
  EXPECT_EQ(d.guest, "/srv/a:b/c");
  d = parse_dir_flag("/srv/a:b::/b:ro");
  EXPECT_EQ(d.host, "/srv/a:b");
  EXPECT_EQ(d.guest, "/b");
  EXPECT_TRUE(d.read_only);
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
  try {
    parse_dir_flag("");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--dir '': empty", 0), 0u) << e.what();
  }
  EXPECT_THROW(parse_dir_flag(":ro"), Error);
  EXPECT_THROW(parse_dir_flags({"/srv", ""}), Error);
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
