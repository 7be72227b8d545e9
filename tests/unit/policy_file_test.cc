// --net-policy FILE: TOML and JSON policy files, merged into the flags'
// policy; relative paths beside the file; every mistake one line naming the
// file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "wasinet/error.hh"
#include "wasinet/policy.hh"

namespace wasinet {
namespace {

namespace fs = std::filesystem;

class PolicyFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wasinet-policy-file-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  // The message of the Error that loading `text` as `name` throws.
  std::string error_of(const std::string& name, const std::string& text) {
    NetPolicy p;
    try {
      load_policy_file(write(name, text), p);
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "loaded: " << text;
    return {};
  }

  fs::path dir_;
};

TEST_F(PolicyFile, TomlHasEveryKey) {
  NetPolicy p;
  p.allow_net = {"loopback"};  // from the flags: kept, the file's rules added
  load_policy_file(write("p.toml", R"(
# comments are fine
allow-net = ["*.example.com:443", "127.0.0.1:8000-8100"]
deny-net = ["private"]
allow-listen = ["[::1]:8080"]
allow-unix = ["sockets/", "/run/app.sock"]
allow-dns = true
net-log = "net.jsonl"
)"),
                   p);
  EXPECT_EQ(p.allow_net, (std::vector<std::string>{"loopback", "*.example.com:443", "127.0.0.1:8000-8100"}));
  EXPECT_EQ(p.deny_net, (std::vector<std::string>{"private"}));
  EXPECT_EQ(p.allow_listen, (std::vector<std::string>{"[::1]:8080"}));
  ASSERT_EQ(p.allow_unix.size(), 2u);
  EXPECT_EQ(p.allow_unix[0], (dir_ / "sockets/").string());
  EXPECT_EQ(p.allow_unix[1], "/run/app.sock");
  EXPECT_TRUE(p.allow_dns);
  EXPECT_EQ(p.log_file, dir_ / "net.jsonl");
}

TEST_F(PolicyFile, JsonWithTrueForEverything) {
  NetPolicy p;
  p.log_file = "from-the-flag.jsonl";
  load_policy_file(write("p.json", R"({"allow-net": true, "allow-listen": false, "net-log": "x.jsonl"})"), p);
  EXPECT_EQ(p.allow_net, (std::vector<std::string>{"*"}));
  EXPECT_TRUE(p.allow_listen.empty());
  EXPECT_EQ(p.log_file, "from-the-flag.jsonl");  // --net-log wins over the file
}

TEST_F(PolicyFile, MistakesNameTheFileAndTheKey) {
  struct {
    const char* name;
    const char* text;
    const char* mention;
  } cases[] = {
      {"a.json", R"({"allow_net": ["loopback"]})", "unknown key \"allow_net\""},
      {"b.json", R"({"allow-net": "loopback"})", "must be an array of strings"},
      {"c.json", R"({"allow-net": [1]})", "every item must be a string"},
      {"d.json", R"({"allow-dns": "yes"})", "must be true or false"},
      {"e.json", R"(["loopback"])", "JSON object"},
      {"f.json", R"({"allow-net": [)", "not valid JSON"},
      // found by fuzzing: nlohmann throws out_of_range, not parse_error
      {"f2.json", R"({"allow-net": [4e346]})", "not valid JSON"},
      {"g.toml", "allow-net = [\n", "not valid TOML"},
      {"h.toml", "allow-net = [\"10.0.0.0/33\"]\n", "--allow-net=10.0.0.0/33: prefix length"},
      {"i.toml", "deny-net = true\n", "\"deny-net\" must be an array of strings"},
      {"j.toml", "[allow]\nnet = [\"x\"]\n", "unknown key \"allow\""},
      {"k.toml", "net-log = \"\"\n", "\"net-log\" must be a file name"},
      // as on the command line: no empty rule, no near-miss of a set
      {"l.toml", "allow-net = [\"\"]\n", "--allow-net=: empty rule"},
      {"m.json", R"({"deny-net": [" "]})", "white space"},
      {"n.toml", "allow-listen = [\"loopbak\"]\n", "looks like the named set loopback"},
      {"o.json", R"({"allow-listen": ["127.0.0.1:0"]})", "port 0 in a rule means no port"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string msg = error_of(c.name, c.text);
    EXPECT_NE(msg.find((dir_ / c.name).string()), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.mention), std::string::npos) << msg;
  }
}

// The OS's reason, not "not valid JSON" for a directory nor a bare
// "cannot read" for a missing file.
TEST_F(PolicyFile, UnreadableFileSaysWhy) {
  NetPolicy p;
  for (const auto& [path, why] : {std::pair{dir_ / "none.toml", "No such file or directory"},
                                  std::pair{dir_, "is a directory, not a policy file"}}) {
    try {
      load_policy_file(path, p);
      ADD_FAILURE() << "loaded " << path;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "--net-policy " + path.string() + ": " + why);
    }
  }
}

}  // namespace
}  // namespace wasinet
