// split_run_words and net_policy_from_flags: the words of `wasinet run` as
// typed, the network rule flags read before CLI11 (which cannot tell
// `--allow-net` from `--allow-net=`), and the empty rules they refuse.
#include "cli/run_words.hh"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wasinet/error.hh"

namespace wasinet::cli {
namespace {

using Words = std::vector<std::string>;

// The options of `run` that take a value as the next word.
bool takes_value(const std::string& w) {
  for (const char* o : {"--dir", "--env", "--listen", "--allow-unix", "--net-policy", "--net-log",
                        "--max-fds", "--max-conns", "--max-memory", "--timeout", "--cache-dir"})
    if (w == o) return true;
  return false;
}

RunWords split(const Words& words, NetFlags& net) { return split_run_words(words, takes_value, net); }

// The message of the Error split_run_words throws, or "" if it accepts.
std::string split_error(const Words& words) {
  NetFlags net;
  try {
    split(words, net);
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    return e.what();
  }
  return "";
}

// The message of the Error net_policy_from_flags throws, or "".
std::string policy_error(const Words& words) {
  NetFlags net;
  try {
    split(words, net);
    (void)net_policy_from_flags(net);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(RunWords, ProgramAndItsWordsAreSplitOff) {
  NetFlags net;
  RunWords w = split({"run", "--dir", "/d", "--env=A=1", "-v", "app.wasm", "--allow-net", "x"}, net);
  EXPECT_EQ(w.flags, (Words{"run", "--dir", "/d", "--env=A=1", "-v"}));
  EXPECT_EQ(w.guest, (Words{"app.wasm", "--allow-net", "x"}));
  EXPECT_TRUE(net.allow_net.empty());  // the guest's own words

  w = split({"run", "--no-cache", "--", "-weird-name.wasm", "a"}, net);
  EXPECT_EQ(w.guest, (Words{"-weird-name.wasm", "a"}));
  w = split({"run", "--net-log"}, net);  // a missing value is CLI11's to report
  EXPECT_EQ(w.flags, (Words{"run", "--net-log"}));
  EXPECT_TRUE(w.guest.empty());
}

TEST(RunWords, RuleFlagsAreTakenAsWritten) {
  NetFlags net;
  RunWords w = split({"run", "--allow-net", "--allow-net=loopback,public", "--allow-listen",
                      "--allow-listen=127.0.0.1:8080", "--deny-net=private", "--allow-net=", "/app.wasm"},
                     net);
  EXPECT_EQ(w.flags, (Words{"run"}));
  EXPECT_EQ(w.guest, (Words{"/app.wasm"}));
  EXPECT_EQ(net.allow_net, (Words{"*", "loopback,public", ""}));
  EXPECT_EQ(net.allow_listen, (Words{"*", "127.0.0.1:8080"}));
  EXPECT_EQ(net.deny_net, (Words{"private"}));
}

// The value of a two-word option is never read as a flag of ours.
TEST(RunWords, TwoWordValuesAreNotFlags) {
  NetFlags net;
  RunWords w = split({"run", "--env", "--allow-net=x", "app.wasm"}, net);
  EXPECT_EQ(w.flags, (Words{"run", "--env", "--allow-net=x"}));
  EXPECT_TRUE(net.allow_net.empty());
}

TEST(RunWords, DenyNetNeedsEquals) {
  EXPECT_EQ(split_error({"run", "--deny-net", "private", "app.wasm"}),
            "--deny-net takes its rules after '=' (--deny-net=private)");
  EXPECT_EQ(split_error({"run", "--deny-net"}), "--deny-net takes its rules after '=' (--deny-net=RULE,...)");
  EXPECT_EQ(split_error({"run", "--deny-net", "--allow-dns", "app.wasm"}),
            "--deny-net takes its rules after '=' (--deny-net=RULE,...)");
}

TEST(RunWords, BareAllowBeforeANonFileIsARuleMeantWithEquals) {
  EXPECT_EQ(split_error({"run", "--allow-net", "loopback", "app.wasm"}),
            "--allow-net takes its rules after '=' (--allow-net=loopback): \"loopback\" is no program");
  EXPECT_EQ(split_error({"run", "--allow-listen", "no-such-file"}),
            "--allow-listen takes its rules after '=' (--allow-listen=no-such-file): \"no-such-file\" is no "
            "program");
  // An existing file is the program.
  NetFlags net;
  RunWords w = split({"run", "--allow-net", "/bin/sh"}, net);
  EXPECT_EQ(w.guest, (Words{"/bin/sh"}));
  EXPECT_EQ(net.allow_net, (Words{"*"}));
}

// `--net-log= app.wasm`: CLI11 would take the next word as the value.
TEST(RunWords, EmptyValueAfterEqualsIsRefused) {
  EXPECT_EQ(split_error({"run", "--net-log=", "--allow-dns", "app.wasm"}), "--net-log=: empty value");
  EXPECT_EQ(split_error({"run", "--allow-unix=", "app.wasm"}), "--allow-unix=: empty value");
  EXPECT_EQ(split_error({"run", "--no-cache=", "app.wasm"}), "");  // a flag: CLI11's to judge
}

// Only the bare flag means everything: an empty value or item, or white
// space, is an error naming the flag, never "*" nor "nothing".
TEST(NetFlagsPolicy, EmptyRulesAreRefused) {
  EXPECT_EQ(policy_error({"run", "--allow-net=", "a"}),
            "--allow-net=: empty rule (--allow-net alone, without '=', allows everything)");
  EXPECT_EQ(policy_error({"run", "--allow-listen=", "a"}),
            "--allow-listen=: empty rule (--allow-listen alone, without '=', allows everything)");
  EXPECT_EQ(policy_error({"run", "--deny-net=", "a"}), "--deny-net=: empty rule");
  EXPECT_EQ(policy_error({"run", "--allow-net=loopback,", "a"}), "--allow-net=loopback,: empty rule (a comma too many?)");
  EXPECT_EQ(policy_error({"run", "--allow-listen=,loopback", "a"}),
            "--allow-listen=,loopback: empty rule (a comma too many?)");
  EXPECT_EQ(policy_error({"run", "--allow-net= ", "a"}), "--allow-net= : \" \" holds white space");
  EXPECT_EQ(policy_error({"run", "--allow-net={}", "a"}).rfind("--allow-net={}: ", 0), 0u);
}

TEST(NetFlagsPolicy, BareFlagIsEverythingAndRulesAreSplit) {
  NetFlags net;
  split({"run", "--allow-net", "--allow-net=loopback,10.0.0.0/8", "--deny-net=private", "a"}, net);
  const NetPolicy p = net_policy_from_flags(net);
  EXPECT_EQ(p.allow_net, (Words{"*", "loopback", "10.0.0.0/8"}));
  EXPECT_EQ(p.deny_net, (Words{"private"}));
  EXPECT_TRUE(p.allow_listen.empty());
}

}  // namespace
}  // namespace wasinet::cli
