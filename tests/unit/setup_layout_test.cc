// The guest assembly's fd layout and the environment it adds (issue 15): the
// user's directories, then the implicit ones, then the listeners (named by
// WASINET_LISTEN_FDS); the working directory is never /etc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "runtime/guest.hh"
#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "wasinet/error.hh"
#include "test_options.hh"

namespace wasinet::runtime {
namespace {

namespace fs = std::filesystem;

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class SetupLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-layout-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    fs::create_directories(base_ / "data");
    std::ofstream(base_ / "ca.pem") << "test bundle\n";
    files_.emplace("WASINET_FILES_DIR", (base_ / "files").string());
    cert_.emplace("SSL_CERT_FILE", (base_ / "ca.pem").string());
  }
  void TearDown() override {
    files_.reset();
    cert_.reset();
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  // The preopen names from fd 3 up to the first fd that is not a preopen,
  // as a guest's start-up scan finds them.
  static std::vector<std::string> preopens(wasi::Context& ctx) {
    std::vector<std::string> out;
    for (wasi::Fd fd = 3; fd < ctx.fds.end(); ++fd) {
      auto e = ctx.fds.get(fd);
      if (!e.ok() || !(*e)->preopen_name) break;
      out.push_back(*(*e)->preopen_name);
    }
    return out;
  }

  static bool has(const std::vector<std::string>& env, const std::string& kv) {
    return std::find(env.begin(), env.end(), kv) != env.end();
  }

  static bool has_name(const std::vector<std::string>& env, const std::string& name) {
    return std::any_of(env.begin(), env.end(), [&](const std::string& kv) { return kv.starts_with(name + "="); });
  }

  // The host's /etc/hosts or /etc/resolv.conf: the /etc preopen needs one.
  static bool host_has_dns_files() { return fs::exists("/etc/hosts") || fs::exists("/etc/resolv.conf"); }

  fs::path base_;
  std::optional<ScopedEnv> files_, cert_;
};

// Issue 15: the implicit /etc came after the listeners, so with --listen and
// a --dir a plain wasi-libc program met a socket before a directory.
TEST_F(SetupLayoutTest, DirectoriesFirstThenListenersNamedInTheEnvironment) {
  if (!host_has_dns_files()) GTEST_SKIP() << "the host has neither /etc/hosts nor /etc/resolv.conf";
  GuestOptions config = testkit::test_options();
  config.dirs = {{(base_ / "data").string(), "/data", false}};
  config.dns_files = config.ca_certs = true;
  config.listeners = {ListenSpec::tcp("127.0.0.1", 0), ListenSpec::tcp("127.0.0.1", 0)};
  config.environ = {"A=1", "WASINET_LISTEN_FDS=3"};
  Guest guest(config);
  wasi::Context& ctx = guest.context();
  EXPECT_EQ(preopens(ctx), (std::vector<std::string>{"/data", "/etc", "/etc/ssl/certs"}));
  ASSERT_EQ(guest.listening().size(), 2u);
  EXPECT_EQ(guest.listening()[0].fd, 6u);
  EXPECT_EQ(guest.listening()[1].fd, 7u);
  // Ours replaces the operator's: only the host knows the numbers.
  EXPECT_EQ(ctx.environ, (std::vector<std::string>{"A=1", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
                                                   "WASINET_LISTEN_FDS=6,7"}));
}

TEST_F(SetupLayoutTest, FirstListenerIsFd3WhenThereIsNoDirectory) {
  GuestOptions config = testkit::test_options();
  config.listeners = {ListenSpec::tcp("127.0.0.1", 0)};
  Guest guest(config);
  wasi::Context& ctx = guest.context();
  ASSERT_EQ(guest.listening().size(), 1u);
  EXPECT_EQ(guest.listening()[0].fd, 3u);
  EXPECT_EQ(ctx.environ, std::vector<std::string>{"WASINET_LISTEN_FDS=3"});
}

TEST_F(SetupLayoutTest, NoListenerNoVariable) {
  GuestOptions config = testkit::test_options();
  config.environ = {"WASINET_LISTEN_FDS=3"};  // the operator's own: left alone
  wasi::Context ctx;
  testkit::setup_test_context(ctx, config);
  EXPECT_EQ(ctx.environ, std::vector<std::string>{"WASINET_LISTEN_FDS=3"});
  EXPECT_EQ(ctx.fds.end(), 3u);
}

// Issue 15: with no --dir, Go took the first preopen, /etc, as its working
// directory. An empty read-only "/" now comes first: Go works in "/" and
// os.Getwd finds it, with no variable added.
TEST_F(SetupLayoutTest, WithoutDirsTheWorkingDirectoryIsAnEmptyRoot) {
  GuestOptions config = testkit::test_options();
  config.ca_certs = true;
  wasi::Context ctx;
  testkit::setup_test_context(ctx, config);
  EXPECT_EQ(preopens(ctx), (std::vector<std::string>{"/", "/etc/ssl/certs"}));
  EXPECT_FALSE(has_name(ctx.environ, "PWD"));
  auto root = ctx.fds.get(3);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ((*root)->rights_base & wasi::rights::path_create_file, 0u) << "read-only";
}

TEST_F(SetupLayoutTest, NeitherDirsNorImplicitOnesLeaveTheGuestBare) {
  GuestOptions config = testkit::test_options();
  wasi::Context ctx;
  testkit::setup_test_context(ctx, config);
  EXPECT_TRUE(ctx.environ.empty());
  EXPECT_EQ(ctx.fds.end(), 3u);
}

// A relative first --dir (working_dir "/"): PWD=/, and "/" exists.
TEST_F(SetupLayoutTest, WorkingDirectoryRootGoesToThePwdAndExists) {
  GuestOptions config = testkit::test_options();
  config.dirs = {{(base_ / "data").string(), "/data", false}};
  config.working_dir = "/";
  {
    wasi::Context ctx;
    testkit::setup_test_context(ctx, config);
    EXPECT_EQ(preopens(ctx), (std::vector<std::string>{"/data", "/"}));
    EXPECT_EQ(ctx.environ, std::vector<std::string>{"PWD=/"});
  }
  {  // `--dir .`: the user's own directory is "/".
    GuestOptions dot = config;
    dot.dirs = {{(base_ / "data").string(), "/", false}};
    wasi::Context ctx;
    testkit::setup_test_context(ctx, dot);
    EXPECT_EQ(preopens(ctx), std::vector<std::string>{"/"});
    EXPECT_TRUE(has(ctx.environ, "PWD=/"));
  }
}

// The operator's PWD decides; nothing is added for the working directory.
TEST_F(SetupLayoutTest, TheOperatorsPwdWins) {
  GuestOptions config = testkit::test_options();
  config.environ = {"PWD=/data"};
  config.dirs = {{(base_ / "data").string(), "/data", false}};
  config.working_dir = "/";
  config.ca_certs = true;
  wasi::Context ctx;
  testkit::setup_test_context(ctx, config);
  EXPECT_EQ(preopens(ctx), (std::vector<std::string>{"/data", "/etc/ssl/certs"}));
  EXPECT_EQ(ctx.environ,
            (std::vector<std::string>{"PWD=/data", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"}));
}

// An absolute first --dir stays Go's working directory (its first preopen).
TEST_F(SetupLayoutTest, AnAbsoluteFirstDirAddsNothing) {
  GuestOptions config = testkit::test_options();
  config.dirs = {{(base_ / "data").string(), "/data", false}};
  config.ca_certs = true;
  wasi::Context ctx;
  testkit::setup_test_context(ctx, config);
  EXPECT_EQ(preopens(ctx), (std::vector<std::string>{"/data", "/etc/ssl/certs"}));
  EXPECT_FALSE(has_name(ctx.environ, "PWD"));
}

// Issue 15: a --max-fds too small for the preopens said "too many preopened
// directories", and (since the implicit ones moved before the listeners)
// stopped the run over directories nobody asked for. Now the message names
// the cap; a --dir that does not fit is an error, an implicit one is left
// out with a warning.
TEST_F(SetupLayoutTest, FdCapTooSmallForADirNamesTheCap) {
  GuestOptions config = testkit::test_options();
  config.dirs = {{(base_ / "data").string(), "/data", false}};
  config.max_fds = 3;
  wasi::Context ctx;
  try {
    testkit::setup_test_context(ctx, config);
    FAIL() << "a --dir beyond --max-fds 3";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--max-fds 3 leaves no fd for the preopened directory /data");
  }
}

TEST_F(SetupLayoutTest, FdCapTooSmallForTheImplicitDirsIsNoError) {
  GuestOptions config = testkit::test_options();
  config.ca_certs = true;
  config.max_fds = 3;
  wasi::Context ctx;
  ::testing::internal::CaptureStderr();
  testkit::setup_test_context(ctx, config);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(preopens(ctx).empty());
  EXPECT_FALSE(has_name(ctx.environ, "SSL_CERT_FILE")) << "no bundle, no variable naming it";
  EXPECT_NE(err.find("wasinet: warning: the guest gets no CA certificates: --max-fds 3 leaves no fd for the "
                     "preopened directory /etc/ssl/certs\n"),
            std::string::npos)
      << err;
}

// The listeners were asked for, the implicit directories were not: under a
// tight cap these give way.
TEST_F(SetupLayoutTest, ImplicitDirsGiveWayToTheListeners) {
  GuestOptions config = testkit::test_options();
  config.dirs = {{(base_ / "data").string(), "/data", false}};
  config.ca_certs = true;
  config.listeners = {ListenSpec::tcp("127.0.0.1", 0)};
  config.max_fds = 5;
  ::testing::internal::CaptureStderr();
  Guest guest(config);
  wasi::Context& ctx = guest.context();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(preopens(ctx), std::vector<std::string>{"/data"});
  ASSERT_EQ(guest.listening().size(), 1u);
  EXPECT_EQ(guest.listening()[0].fd, 4u);
  EXPECT_EQ(ctx.environ, std::vector<std::string>{"WASINET_LISTEN_FDS=4"});
  EXPECT_NE(err.find("--max-fds 5 leaves no fd for the preopened directory /etc/ssl/certs besides the --listen "
                     "socket"),
            std::string::npos)
      << err;
}

}  // namespace
}  // namespace wasinet::runtime
