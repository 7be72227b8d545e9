// The values of --max-memory, --timeout, --max-fds and --max-conns: what a
// person types, and one-line errors for what cannot be meant.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "runtime/limit_values.hh"
#include "wasinet/error.hh"

namespace wasinet::runtime {
namespace {

using std::chrono::milliseconds;

// The message of the Error `f` throws, or "" if it throws none.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(LimitsParse, ByteSizes) {
  EXPECT_EQ(parse_byte_size("--max-memory", "65536"), 65536u);
  EXPECT_EQ(parse_byte_size("--max-memory", "512K"), 512u << 10);
  EXPECT_EQ(parse_byte_size("--max-memory", "64M"), 64u << 20);
  EXPECT_EQ(parse_byte_size("--max-memory", "64m"), 64u << 20);
  EXPECT_EQ(parse_byte_size("--max-memory", "64MiB"), 64u << 20);
  EXPECT_EQ(parse_byte_size("--max-memory", "64MB"), 64u << 20);
  EXPECT_EQ(parse_byte_size("--max-memory", "2G"), uint64_t{2} << 30);
  EXPECT_EQ(parse_byte_size("--max-memory", "1T"), uint64_t{1} << 40);
  EXPECT_EQ(parse_byte_size("--max-memory", "100b"), 100u);
}

TEST(LimitsParse, MalformedByteSizes) {
  for (const char* bad : {"", "M", "64Q", "64 M", "-1", "1.5G", "64MM", "0", "0M", "64MiBs",
                          "99999999999999999999", "20000000T"}) {
    const std::string msg = error_of([&] { parse_byte_size("--max-memory", bad); });
    EXPECT_TRUE(msg.starts_with("--max-memory ")) << bad << ": " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
  EXPECT_NE(error_of([] { parse_byte_size("--max-memory", "64Q"); }).find("64M"), std::string::npos)
      << "the message shows an example";
  EXPECT_NE(error_of([] { parse_byte_size("--max-memory", "0"); }).find("more than 0"), std::string::npos);
}

TEST(LimitsParse, Durations) {
  EXPECT_EQ(parse_duration("--timeout", "500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("--timeout", "30s"), milliseconds(30'000));
  EXPECT_EQ(parse_duration("--timeout", "30"), milliseconds(30'000)) << "a bare number is seconds";
  EXPECT_EQ(parse_duration("--timeout", "1.5s"), milliseconds(1500));
  EXPECT_EQ(parse_duration("--timeout", "2m"), milliseconds(120'000));
  EXPECT_EQ(parse_duration("--timeout", "1.5m"), milliseconds(90'000));
  EXPECT_EQ(parse_duration("--timeout", "2h"), milliseconds(7'200'000));
  EXPECT_EQ(parse_duration("--timeout", "2S"), milliseconds(2000));
  EXPECT_EQ(parse_duration("--timeout", ".5s"), milliseconds(500));
}

TEST(LimitsParse, MalformedDurations) {
  for (const char* bad : {"", "s", "5x", "5 s", "-1s", "1e3s", "1.2.3s", "0", "0s", "0.0001s",
                          "5sec", "1001h", "999999999999999999999999h"}) {
    const std::string msg = error_of([&] { parse_duration("--timeout", bad); });
    EXPECT_TRUE(msg.starts_with("--timeout ")) << bad << ": " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(LimitsParse, Counts) {
  EXPECT_EQ(parse_count("--max-fds", "3", 3), 3u);
  EXPECT_EQ(parse_count("--max-fds", "10000", 3), 10000u);
  for (const char* bad : {"", "2", "-5", "1k", "ten", "5 ", "99999999999999999999999"}) {
    const std::string msg = error_of([&] { parse_count("--max-fds", bad, 3); });
    EXPECT_TRUE(msg.starts_with("--max-fds ")) << bad << ": " << msg;
  }
  EXPECT_NE(error_of([] { parse_count("--max-conns", "0", 1); }).find("at least 1"), std::string::npos);
}

TEST(LimitsParse, FormatsRoundTrip) {
  EXPECT_EQ(format_byte_size(64u << 20), "64M");
  EXPECT_EQ(format_byte_size(uint64_t{2} << 30), "2G");
  EXPECT_EQ(format_byte_size(1536u << 10), "1536K");
  EXPECT_EQ(format_byte_size(1000), "1000");
  EXPECT_EQ(format_duration(milliseconds(2000)), "2s");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(format_duration(milliseconds(120'000)), "2m");
  EXPECT_EQ(format_duration(milliseconds(3'600'000)), "1h");
  for (const char* s : {"64M", "2G", "1536K", "1000"})
    EXPECT_EQ(format_byte_size(parse_byte_size("--max-memory", s)), s);
  for (const char* s : {"2s", "1500ms", "2m", "1h"})
    EXPECT_EQ(format_duration(parse_duration("--timeout", s)), s);
}

}  // namespace
}  // namespace wasinet::runtime
