// parse_listen_flag: `--listen tcp://IP:PORT | tcp://[IPv6]:PORT | unix:///PATH`.
#include "cli/listen_flag.hh"

#include <gtest/gtest.h>

#include <string>

#include "wasinet/error.hh"

namespace wasinet::cli {
namespace {

// The message of the Error parse_listen_flag throws, or "" if it accepts.
std::string error_of(const std::string& value) {
  try {
    parse_listen_flag(value);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ListenFlag, Ipv4) {
  ListenSpec s = parse_listen_flag("tcp://127.0.0.1:8080");
  EXPECT_EQ(s.kind, ListenSpec::Kind::tcp);
  EXPECT_EQ(s.ip, "127.0.0.1");
  EXPECT_EQ(s.port, 8080);
  EXPECT_EQ(s.url(), "tcp://127.0.0.1:8080");
}

TEST(ListenFlag, PortZeroAndHighest) {
  EXPECT_EQ(parse_listen_flag("tcp://0.0.0.0:0").port, 0);
  EXPECT_EQ(parse_listen_flag("tcp://127.0.0.1:65535").port, 65535);
}

TEST(ListenFlag, Ipv6InBracketsIsCanonical) {
  ListenSpec s = parse_listen_flag("tcp://[::1]:0");
  EXPECT_EQ(s.kind, ListenSpec::Kind::tcp);
  EXPECT_EQ(s.ip, "::1");
  EXPECT_EQ(s.port, 0);
  EXPECT_EQ(s.url(), "tcp://[::1]:0");
  EXPECT_EQ(parse_listen_flag("tcp://[0:0:0:0:0:0:0:1]:80").ip, "::1");
  EXPECT_EQ(parse_listen_flag("tcp://[::]:443").ip, "::");
}

TEST(ListenFlag, UnixAbsolutePath) {
  ListenSpec s = parse_listen_flag("unix:///tmp/app.sock");
  EXPECT_EQ(s.kind, ListenSpec::Kind::unix_);
  EXPECT_EQ(s.path, "/tmp/app.sock");
  EXPECT_EQ(s.url(), "unix:///tmp/app.sock");
}

TEST(ListenFlag, UnixPathAtTheSunPathLimit) {
  const std::string longest = "/" + std::string(106, 'a');  // 107 bytes + NUL = sun_path
  EXPECT_EQ(parse_listen_flag("unix://" + longest).path, longest);
  EXPECT_NE(error_of("unix://" + longest + "a").find("longer than 107 bytes"), std::string::npos);
}

TEST(ListenFlag, ErrorsNameTheValueAndTheProblem) {
  struct Case {
    const char* value;
    const char* mention;
  } cases[] = {
      {"", "empty value"},
      {"127.0.0.1:8080", "did you mean tcp://127.0.0.1:8080?"},
      {"/run/app.sock", "did you mean unix:///run/app.sock?"},
      {"udp://127.0.0.1:53", "unsupported scheme \"udp\""},
      {"http://127.0.0.1:80", "unsupported scheme \"http\""},
      {"tcp://127.0.0.1", "missing :PORT"},
      {"tcp://127.0.0.1:", "missing port"},
      {"tcp://:8080", "missing address"},
      {"tcp://localhost:8080", "not an IP address"},
      {"tcp://256.0.0.1:80", "not an IP address"},
      {"tcp://127.0.0.1:65536", "out of range"},
      {"tcp://127.0.0.1:123456", "out of range"},
      {"tcp://127.0.0.1:-1", "not a number"},
      {"tcp://127.0.0.1:80x", "not a number"},
      {"tcp://127.0.0.1:80/path", "unexpected path"},
      {"tcp://::1:80", "in brackets"},
      {"tcp://[::1]", "missing :PORT"},
      {"tcp://[::1:80", "missing ]"},
      {"tcp://[127.0.0.1]:80", "not an IPv6 address"},
      {"tcp://[fe80::1%eth0]:80", "zones"},
      {"unix://relative.sock", "must be absolute"},
      {"unix://", "must be absolute"},
      {"unix:///run/dir/", "names a directory"},
  };
  for (const Case& c : cases) {
    const std::string msg = error_of(c.value);
    EXPECT_EQ(msg.rfind(std::string("--listen ") + c.value + ": ", 0), 0u) << c.value << " → " << msg;
    EXPECT_NE(msg.find(c.mention), std::string::npos) << c.value << " → " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace wasinet::cli
