// Private read-only directories holding copies of single host files (the
// guest's /etc/hosts and /etc/resolv.conf), content-addressed in the cache.
#include "runtime/system_files.hh"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "net/network.hh"
#include "runtime/instance_setup.hh"
#include "wasi/context.hh"
#include "wasi/preopen_lookup.hh"
#include "wasinet/error.hh"
#include "wasinet/policy.hh"
#include "test_options.hh"

namespace wasinet::runtime {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void put(const fs::path& p, const std::string& content) {
  fs::remove(p);
  std::ofstream(p, std::ios::binary) << content;
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (!e.is_directory()) out.insert(fs::relative(e.path(), dir).string());
  return out;
}

class SystemFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-sysfiles-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    cache_ = base_ / "cache";
    src_ = base_ / "src";
    fs::create_directories(src_);
    put(src_ / "hosts", "127.0.0.1 localhost\n");
    put(src_ / "resolv.conf", "nameserver 127.0.0.53\n");
  }
  void TearDown() override { fs::remove_all(base_); }

  std::vector<PrivateFile> dns_like() const {
    return {{"hosts", src_ / "hosts"}, {"resolv.conf", src_ / "resolv.conf"}};
  }

  fs::path base_, cache_, src_;
};

TEST_F(SystemFilesTest, CopiesTheContentsIntoTheCache) {
  auto dir = private_files_dir(cache_, dns_like());
  ASSERT_TRUE(dir);
  EXPECT_EQ(dir->parent_path(), cache_);
  EXPECT_EQ(entries(*dir), (std::set<std::string>{"hosts", "resolv.conf"}));
  EXPECT_EQ(slurp(*dir / "hosts"), "127.0.0.1 localhost\n");
  EXPECT_EQ(slurp(*dir / "resolv.conf"), "nameserver 127.0.0.53\n");
  struct stat st {};
  ASSERT_EQ(::stat((*dir / "hosts").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0222, 0u) << "copies are read-only";
}

TEST_F(SystemFilesTest, ReusedWhileTheContentsStayTheSame) {
  auto first = private_files_dir(cache_, dns_like());
  ASSERT_TRUE(first);
  struct stat before {};
  ASSERT_EQ(::stat((*first / "hosts").c_str(), &before), 0);
  // Same bytes written anew: still the same directory, not rewritten.
  put(src_ / "hosts", "127.0.0.1 localhost\n");
  auto second = private_files_dir(cache_, dns_like());
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, *second);
  struct stat after {};
  ASSERT_EQ(::stat((*second / "hosts").c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(entries(cache_).size(), 2u) << "no temporary directories left";
}

TEST_F(SystemFilesTest, NewContentsGiveANewDirectory) {
  auto first = private_files_dir(cache_, dns_like());
  put(src_ / "hosts", "127.0.0.1 localhost\n::1 localhost\n");
  auto second = private_files_dir(cache_, dns_like());
  ASSERT_TRUE(first && second);
  EXPECT_NE(*first, *second);
  EXPECT_EQ(slurp(*second / "hosts"), "127.0.0.1 localhost\n::1 localhost\n");
  // A run still using the first keeps seeing what it saw.
  EXPECT_EQ(slurp(*first / "hosts"), "127.0.0.1 localhost\n");
  // Bytes moved from one file to the other are a different set too.
  put(src_ / "hosts", "127.0.0.1 localhost\n::1");
  put(src_ / "resolv.conf", " localhost\nnameserver 127.0.0.53\n");
  auto third = private_files_dir(cache_, dns_like());
  ASSERT_TRUE(third);
  EXPECT_NE(*third, *second);
}

TEST_F(SystemFilesTest, SymlinkedSourcesAreCopiedAsContent) {
  fs::create_directories(base_ / "run/resolvconf");
  put(base_ / "run/resolvconf/resolv.conf", "nameserver ::1\n");
  fs::remove(src_ / "resolv.conf");
  fs::create_symlink(base_ / "run/resolvconf/resolv.conf", src_ / "resolv.conf");
  auto dir = private_files_dir(cache_, dns_like());
  ASSERT_TRUE(dir);
  EXPECT_FALSE(fs::is_symlink(*dir / "resolv.conf"));
  EXPECT_TRUE(fs::is_regular_file(*dir / "resolv.conf"));
  EXPECT_EQ(slurp(*dir / "resolv.conf"), "nameserver ::1\n");
}

TEST_F(SystemFilesTest, MissingSourcesAreLeftOut) {
  fs::remove(src_ / "resolv.conf");
  fs::create_symlink(base_ / "nowhere", src_ / "resolv.conf");  // dangling
  auto dir = private_files_dir(cache_, dns_like());
  ASSERT_TRUE(dir);
  EXPECT_EQ(entries(*dir), std::set<std::string>{"hosts"});
  fs::remove(src_ / "hosts");
  EXPECT_FALSE(private_files_dir(cache_, dns_like()));
}

TEST_F(SystemFilesTest, NestedNames) {
  auto dir = private_files_dir(cache_, {{"ssl/certs/bundle.pem", src_ / "hosts"}});
  ASSERT_TRUE(dir);
  EXPECT_EQ(slurp(*dir / "ssl/certs/bundle.pem"), "127.0.0.1 localhost\n");
}

TEST_F(SystemFilesTest, ADamagedDirectoryIsReplaced) {
  auto dir = private_files_dir(cache_, dns_like());
  ASSERT_TRUE(dir);
  fs::permissions(*dir / "hosts", fs::perms::owner_write, fs::perm_options::add);
  put(*dir / "hosts", "6.6.6.6 localhost\n");
  put(*dir / "extra", "x");
  auto again = private_files_dir(cache_, dns_like());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *dir);
  EXPECT_EQ(slurp(*again / "hosts"), "127.0.0.1 localhost\n");
  EXPECT_EQ(entries(*again), (std::set<std::string>{"hosts", "resolv.conf"}));
}

// The guest's "/" when it has no --dir there: empty, read-only, reused,
// and emptied again if anything appears in it.
TEST_F(SystemFilesTest, EmptyRootIsAnEmptyReadOnlyRoot) {
  DirMapping root = empty_root_preopen(cache_);
  EXPECT_EQ(root.guest, "/");
  EXPECT_TRUE(root.read_only);
  EXPECT_TRUE(fs::is_directory(root.host));
  EXPECT_TRUE(fs::is_empty(root.host));
  EXPECT_EQ(empty_root_preopen(cache_).host, root.host);
  fs::create_directory(fs::path(root.host) / "planted");
  DirMapping again = empty_root_preopen(cache_);
  EXPECT_EQ(again.host, root.host);
  EXPECT_TRUE(fs::is_empty(again.host));
}

TEST_F(SystemFilesTest, ConcurrentRunsAgree) {
  std::vector<fs::path> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] { got[i] = private_files_dir(cache_, dns_like()).value(); });
  for (auto& t : threads) t.join();
  for (const auto& p : got) EXPECT_EQ(p, got[0]);
  EXPECT_EQ(slurp(got[0] / "hosts"), "127.0.0.1 localhost\n");
  EXPECT_EQ(entries(cache_).size(), 2u) << "no temporary directories left";
}

TEST_F(SystemFilesTest, BadNamesAndUnusableCachesThrow) {
  for (const char* name : {"", "/etc/hosts", "../hosts", "a/../b", "a//b", "./hosts"})
    EXPECT_THROW(private_files_dir(cache_, {{name, src_ / "hosts"}}), Error) << name;
  EXPECT_THROW(private_files_dir(cache_, {{"h", src_ / "hosts"}, {"h", src_ / "resolv.conf"}}), Error);
  // A cache "directory" that is a file.
  EXPECT_THROW(private_files_dir(src_ / "hosts", dns_like()), Error);
  // A source that is not a regular file.
  EXPECT_THROW(private_files_dir(cache_, {{"d", src_}}), Error);
}

// The real /etc files, as the guest's /etc: read-only, found by the same
// lookup unix socket paths use.
TEST_F(SystemFilesTest, DnsFilesPreopenShowsTheHostFiles) {
  const bool hosts = fs::exists("/etc/hosts"), resolv = fs::exists("/etc/resolv.conf");
  auto mapping = dns_files_preopen(cache_);
  if (!hosts && !resolv) {
    EXPECT_FALSE(mapping);
    return;
  }
  ASSERT_TRUE(mapping);
  EXPECT_EQ(mapping->guest, "/etc");
  EXPECT_TRUE(mapping->read_only);
  if (hosts) {
    EXPECT_EQ(slurp(fs::path(mapping->host) / "hosts"), slurp("/etc/hosts"));
  }
  if (resolv) {
    EXPECT_EQ(slurp(fs::path(mapping->host) / "resolv.conf"), slurp("/etc/resolv.conf"));
  }
  EXPECT_EQ(entries(mapping->host).size(), size_t(hosts) + size_t(resolv));

  wasi::Context ctx;
  GuestOptions config = testkit::test_options();
  config.dirs = {*mapping};
  testkit::setup_test_context(ctx, config);
  auto m = wasi::find_preopen(ctx.fds, "/etc/resolv.conf");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->dir->read_only());
  EXPECT_EQ(m->relative, "resolv.conf");
  EXPECT_EQ(m->rights_base & wasi::rights::path_create_file, 0u);
}

// Sets an environment variable for one test and restores it afterwards.
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

bool has(const std::vector<std::string>& env, const std::string& kv) {
  return std::find(env.begin(), env.end(), kv) != env.end();
}

TEST_F(SystemFilesTest, HostCaBundleIsTheOperatorsSslCertFile) {
  ScopedEnv env("SSL_CERT_FILE", (src_ / "ca.pem").string());
  EXPECT_EQ(host_ca_bundle(), src_ / "ca.pem");
}

TEST_F(SystemFilesTest, CaCertsPreopenHoldsJustTheBundle) {
  put(src_ / "ca.pem", "-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n");
  auto mapping = ca_certs_preopen(src_ / "ca.pem", cache_);
  ASSERT_TRUE(mapping);
  EXPECT_EQ(mapping->guest, "/etc/ssl/certs");
  EXPECT_TRUE(mapping->read_only);
  EXPECT_EQ(entries(mapping->host), std::set<std::string>{"ca-certificates.crt"});
  EXPECT_EQ(slurp(fs::path(mapping->host) / "ca-certificates.crt"), slurp(src_ / "ca.pem"));
  EXPECT_FALSE(ca_certs_preopen(src_ / "missing.pem", cache_));
}

TEST_F(SystemFilesTest, SetupMountsTheCaBundleAndNamesItInTheEnvironment) {
  put(src_ / "ca.pem", "test bundle\n");
  ScopedEnv files("WASINET_FILES_DIR", cache_.string());
  ScopedEnv cert("SSL_CERT_FILE", (src_ / "ca.pem").string());
  GuestOptions config = testkit::test_options();
  config.ca_certs = true;
  config.environ = {"A=1"};
  {
    wasi::Context ctx;
    testkit::setup_test_context(ctx, config);
    EXPECT_TRUE(has(ctx.environ, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"));
    EXPECT_TRUE(has(ctx.environ, "A=1"));
    auto m = wasi::find_preopen(ctx.fds, "/etc/ssl/certs/ca-certificates.crt");
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(m->dir->read_only());
    EXPECT_EQ(m->relative, "ca-certificates.crt");
  }
  {  // The guest's own SSL_CERT_FILE wins; nothing is mounted.
    wasi::Context ctx;
    GuestOptions own = config;
    own.environ.push_back("SSL_CERT_FILE=/mine.pem");
    testkit::setup_test_context(ctx, own);
    EXPECT_FALSE(has(ctx.environ, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"));
    EXPECT_FALSE(wasi::find_preopen(ctx.fds, "/etc/ssl/certs/ca-certificates.crt").ok());
  }
  {  // A user mapping of guest /etc decides what is there.
    wasi::Context ctx;
    GuestOptions mapped = config;
    mapped.dirs = {{src_.string(), "/etc", true}};
    testkit::setup_test_context(ctx, mapped);
    EXPECT_EQ(ctx.environ, std::vector<std::string>{"A=1"});
  }
  {  // Off: neither the mount nor the variable.
    wasi::Context ctx;
    GuestOptions off = config;
    off.ca_certs = false;
    testkit::setup_test_context(ctx, off);
    EXPECT_EQ(ctx.environ, std::vector<std::string>{"A=1"});
    EXPECT_FALSE(wasi::find_preopen(ctx.fds, "/etc/ssl/certs/ca-certificates.crt").ok());
  }
}

// A guest granted no outbound network sees exactly what it was given: no
// /etc, no CA bundle, no SSL_CERT_FILE, whatever dns_files and ca_certs
// say; one that may connect or resolve names gets both.
TEST_F(SystemFilesTest, SystemFilesOnlyForAGuestThatReachesOut) {
  put(src_ / "ca.pem", "test bundle\n");
  ScopedEnv files("WASINET_FILES_DIR", cache_.string());
  ScopedEnv cert("SSL_CERT_FILE", (src_ / "ca.pem").string());
  GuestOptions config = testkit::test_options();
  config.dns_files = true;
  config.ca_certs = true;
  config.environ = {"A=1"};
  struct Case {
    const char* name;
    std::shared_ptr<net::Network> network;
    bool reaches_out;
  };
  const Case cases[] = {
      {"no network", nullptr, false},
      {"empty policy", policy_network(NetPolicy{}), false},
      {"--allow-listen", policy_network(NetPolicy{.allow_listen = {"127.0.0.1:8080"}}), false},
      {"bare --allow-listen", policy_network(NetPolicy{.allow_listen = {"*"}}), false},
      {"--allow-unix", policy_network(NetPolicy{.allow_unix = {src_.string()}}), false},
      {"--allow-net=loopback", policy_network(NetPolicy{.allow_net = {"loopback"}}), true},
      {"--allow-net=name", policy_network(NetPolicy{.allow_net = {"*.example.com:443"}}), true},
      {"--allow-dns", policy_network(NetPolicy{.allow_dns = true}), true},
      {"unrestricted", net::unrestricted(), true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    wasi::Context ctx;
    setup_context(ctx, config, c.network);  // the Network decides, not the options
    const bool certs = wasi::find_preopen(ctx.fds, "/etc/ssl/certs/ca-certificates.crt").ok();
    const bool etc = wasi::find_preopen(ctx.fds, "/etc/hosts").ok();
    EXPECT_EQ(certs, c.reaches_out);
    EXPECT_EQ(has(ctx.environ, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"), c.reaches_out);
    if (!c.reaches_out) {
      EXPECT_FALSE(etc);
      EXPECT_EQ(ctx.fds.end(), 3u) << "stdio only";
      EXPECT_EQ(ctx.environ, std::vector<std::string>{"A=1"});
    } else if (fs::exists("/etc/hosts") || fs::exists("/etc/resolv.conf")) {
      EXPECT_TRUE(etc);
    }
  }
  // The flags still turn them off for a guest that reaches out.
  GuestOptions off = config;
  off.dns_files = off.ca_certs = false;
  wasi::Context ctx;
  setup_context(ctx, off, net::unrestricted());
  EXPECT_EQ(ctx.fds.end(), 3u);
  EXPECT_EQ(ctx.environ, std::vector<std::string>{"A=1"});
}

TEST(NetPolicyGrantsOutbound, OutboundRulesAndNameLookupsOnly) {
  EXPECT_FALSE(NetPolicy{}.grants_outbound());
  EXPECT_FALSE(NetPolicy{.allow_listen = {"*"}}.grants_outbound());
  EXPECT_FALSE(NetPolicy{.allow_unix = {"/run/x"}}.grants_outbound());
  EXPECT_FALSE(NetPolicy{.deny_net = {"private"}}.grants_outbound());
  EXPECT_TRUE(NetPolicy{.allow_net = {"10.0.0.0/8"}}.grants_outbound());
  EXPECT_TRUE(NetPolicy{.allow_net = {"*"}}.grants_outbound());
  EXPECT_TRUE(NetPolicy{.allow_dns = true}.grants_outbound());
}

}  // namespace
}  // namespace wasinet::runtime
