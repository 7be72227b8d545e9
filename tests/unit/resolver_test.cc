// The system resolver: literals, localhost, errors a guest can tell apart,
// service names. The DNS answers (no such host, temporary failure, several
// addresses) come from a small DNS server on 127.0.0.1 that the resolver of
// one test thread is pointed at, so no query ever leaves the machine.
#include "net/resolver.hh"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <resolv.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "os/unique_fd.hh"

namespace wasinet::net {
namespace {

using wasi::Errno;

Address v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return Address::ipv4({a, b, c, d}, 0); }
Address v6_loopback() {
  std::array<uint8_t, 16> ip{};
  ip[15] = 1;
  return Address::ipv6(ip, 0);
}

Errno host_error(std::string_view host, IpVersion v = IpVersion::any) {
  auto r = resolve_host(host, v);
  return r.ok() ? Errno::success : r.error();
}

Errno service_error(std::string_view proto, std::string_view service) {
  auto r = resolve_service(proto, service);
  return r.ok() ? Errno::success : r.error();
}

bool contains(const std::vector<Address>& list, const Address& a) {
  return std::find(list.begin(), list.end(), a) != list.end();
}

bool no_duplicates(std::vector<Address> list) {
  for (size_t i = 0; i < list.size(); ++i)
    for (size_t j = i + 1; j < list.size(); ++j)
      if (list[i] == list[j]) return false;
  return true;
}

TEST(ResolverTest, LiteralsResolveToThemselves) {
  auto r4 = resolve_host("192.0.2.7", IpVersion::any);
  ASSERT_TRUE(r4.ok()) << wasi::errno_name(r4.error());
  EXPECT_EQ(*r4, std::vector<Address>{v4(192, 0, 2, 7)});

  auto r6 = resolve_host("2001:db8::5", IpVersion::v6);
  ASSERT_TRUE(r6.ok()) << wasi::errno_name(r6.error());
  std::array<uint8_t, 16> ip{0x20, 0x01, 0x0d, 0xb8};
  ip[15] = 5;
  EXPECT_EQ(*r6, std::vector<Address>{Address::ipv6(ip, 0)});
}

TEST(ResolverTest, LiteralOfTheOtherVersionIsNoent) {
  EXPECT_EQ(host_error("192.0.2.7", IpVersion::v6), Errno::noent);
  EXPECT_EQ(host_error("2001:db8::5", IpVersion::v4), Errno::noent);
}

TEST(ResolverTest, Localhost) {
  auto any = resolve_host("localhost", IpVersion::any);
  ASSERT_TRUE(any.ok()) << wasi::errno_name(any.error());
  EXPECT_TRUE(contains(*any, v4(127, 0, 0, 1)) || contains(*any, v6_loopback()));
  EXPECT_TRUE(no_duplicates(*any));

  // One version alone is asked in ResolverDnsTest: when /etc/hosts has no
  // entry of that version, the resolver goes on to ask the DNS server.
}

TEST(ResolverTest, BadHostsAreInval) {
  EXPECT_EQ(host_error(""), Errno::inval);
  EXPECT_EQ(host_error("."), Errno::inval);
  EXPECT_EQ(host_error(std::string_view("local\0host", 10)), Errno::inval);
  EXPECT_EQ(host_error(std::string(254, 'a')), Errno::inval);
  // 253 bytes plus the root's dot is still a valid length (not found: the
  // labels are too long, which the resolver rejects without a query).
  EXPECT_NE(host_error(std::string(253, 'a') + "."), Errno::inval);
}

// A name the resolver refuses before sending any query (an empty label):
// "no such host", not "bad input".
TEST(ResolverTest, UnresolvableNameIsNoent) {
  EXPECT_EQ(host_error("no..such..host.invalid"), Errno::noent);
}

TEST(ResolverTest, ServiceNumbers) {
  EXPECT_EQ(*resolve_service("tcp", "0"), 0);
  EXPECT_EQ(*resolve_service("tcp", "8080"), 8080);
  EXPECT_EQ(*resolve_service("udp6", "65535"), 65535);
  EXPECT_EQ(*resolve_service("tcp", "00080"), 80);
  EXPECT_EQ(service_error("tcp", "65536"), Errno::inval);
  EXPECT_EQ(service_error("tcp", "99999"), Errno::inval);
  EXPECT_EQ(service_error("tcp", "99999999999999999999999"), Errno::inval);
}

TEST(ResolverTest, ServiceNames) {
  EXPECT_EQ(*resolve_service("tcp", "http"), 80);
  EXPECT_EQ(*resolve_service("tcp4", "http"), 80);
  EXPECT_EQ(*resolve_service("tcp", "https"), 443);
  EXPECT_EQ(*resolve_service("tcp6", "https"), 443);
  EXPECT_EQ(*resolve_service("udp", "domain"), 53);
  EXPECT_EQ(*resolve_service("udp4", "domain"), 53);
  EXPECT_EQ(service_error("tcp", "no-such-service-here"), Errno::noent);
  EXPECT_EQ(service_error("udp", "no-such-service-here"), Errno::noent);
}

TEST(ResolverTest, BadServicesAreInval) {
  EXPECT_EQ(service_error("sctp", "http"), Errno::inval);
  EXPECT_EQ(service_error("", "http"), Errno::inval);
  EXPECT_EQ(service_error("ip", "80"), Errno::inval);
  EXPECT_EQ(service_error("tcp", ""), Errno::inval);
  EXPECT_EQ(service_error("tcp", std::string_view("ht\0tp", 5)), Errno::inval);
  EXPECT_EQ(service_error("tcp", std::string(1000, 'h')), Errno::inval);
}

// ---------------------------------------------------------------- DNS

// A DNS server on 127.0.0.1 answering from a table: each name has an rcode
// and records per query type; names not in the table are NXDOMAIN.
class LoopbackDns {
 public:
  struct Answer {
    uint8_t rcode = 0;
    std::vector<std::array<uint8_t, 4>> a;
    std::vector<std::array<uint8_t, 16>> aaaa;
  };

  explicit LoopbackDns(std::map<std::string, Answer> table) : table_(std::move(table)) {
    sock_.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sin;
    if (::bind(sock_.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0 ||
        ::getsockname(sock_.get(), reinterpret_cast<sockaddr*>(&sin), &len) != 0)
      throw std::runtime_error("cannot bind the loopback DNS server");
    port_ = ntohs(sin.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackDns() {
    stop_ = true;
    thread_.join();
  }

  uint16_t port() const { return port_; }
  int queries() const { return queries_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{sock_.get(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      uint8_t q[512];
      sockaddr_in peer{};
      socklen_t plen = sizeof peer;
      ssize_t n = ::recvfrom(sock_.get(), q, sizeof q, 0, reinterpret_cast<sockaddr*>(&peer), &plen);
      if (n < 12) continue;
      ++queries_;
      // The question: labels, then type and class.
      size_t pos = 12;
      std::string name;
      while (pos < static_cast<size_t>(n) && q[pos] != 0) {
        const size_t len = q[pos];
        if (!name.empty()) name += '.';
        name.append(reinterpret_cast<const char*>(q + pos + 1),
                    std::min(len, static_cast<size_t>(n) - pos - 1));
        pos += len + 1;
      }
      if (pos + 5 > static_cast<size_t>(n)) continue;
      const uint16_t qtype = static_cast<uint16_t>(q[pos + 1] << 8 | q[pos + 2]);
      const size_t question_end = pos + 5;

      Answer answer;
      answer.rcode = 3;  // NXDOMAIN
      if (auto it = table_.find(name); it != table_.end()) answer = it->second;
      std::vector<std::vector<uint8_t>> rdata;
      if (qtype == 1)
        for (auto& ip : answer.a) rdata.emplace_back(ip.begin(), ip.end());
      if (qtype == 28)
        for (auto& ip : answer.aaaa) rdata.emplace_back(ip.begin(), ip.end());

      std::vector<uint8_t> r(q, q + question_end);
      r[2] = 0x81;  // response, recursion desired
      r[3] = static_cast<uint8_t>(0x80 | answer.rcode);  // recursion available
      r[4] = 0, r[5] = 1;  // one question
      r[6] = 0, r[7] = static_cast<uint8_t>(rdata.size());
      r[8] = r[9] = r[10] = r[11] = 0;
      for (const auto& d : rdata) {
        const uint8_t rr[] = {0xc0, 12,  // the question's name
                              0, static_cast<uint8_t>(qtype), 0, 1, 0, 0, 0, 60,
                              0, static_cast<uint8_t>(d.size())};
        r.insert(r.end(), std::begin(rr), std::end(rr));
        r.insert(r.end(), d.begin(), d.end());
      }
      ::sendto(sock_.get(), r.data(), r.size(), 0, reinterpret_cast<sockaddr*>(&peer), plen);
    }
  }

  std::map<std::string, Answer> table_;
  os::UniqueFd sock_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  std::thread thread_;
};

// Whether every lookup of a name outside /etc/hosts goes through glibc's
// own DNS client (which reads the per-thread resolver state we redirect):
// no nscd, and "hosts:" naming only files and dns. Elsewhere (nss-resolve,
// mdns, nscd) a query could leave the machine: those tests are skipped.
std::string plain_dns_problem() {
  for (const char* s : {"/var/run/nscd/socket", "/run/nscd/socket"})
    if (std::filesystem::exists(s)) return std::string("nscd is running (") + s + ")";
  std::ifstream in("/etc/nsswitch.conf");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("hosts:", 0) != 0) continue;
    std::istringstream words(line.substr(6));
    std::string w;
    while (words >> w) {
      if (w.front() == '#') break;
      if (w != "files" && w != "dns" && w.front() != '[') return "nsswitch.conf has hosts: " + w;
    }
  }
  return {};
}

// resolve_host on a fresh thread whose resolver asks only `dns`: glibc's
// resolver state (_res) is per thread, so the rest of the process keeps the
// host's configuration.
Errno resolve_via(const LoopbackDns& dns, std::string_view host, IpVersion v,
                  std::vector<Address>* out = nullptr) {
  Errno e = Errno::success;
  std::thread t([&] {
    if (res_init() != 0) {
      e = Errno::io;
      return;
    }
    _res.nscount = 1;
    _res.nsaddr_list[0].sin_family = AF_INET;
    _res.nsaddr_list[0].sin_port = htons(dns.port());
    _res.nsaddr_list[0].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    _res.retrans = 1;
    _res.retry = 1;
    _res.options &= ~(RES_USEVC | RES_ROTATE);
    // No search domains: exactly the name asked goes out.
    _res.dnsrch[0] = nullptr;
    auto r = resolve_host(host, v);
    if (!r.ok()) e = r.error();
    else if (out) *out = *r;
  });
  t.join();
  return e;
}

class ResolverDnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string p = plain_dns_problem(); !p.empty())
      GTEST_SKIP() << "cannot keep DNS queries on loopback here: " << p;
  }
};

TEST_F(ResolverDnsTest, NxdomainIsNoent) {
  LoopbackDns dns({});
  EXPECT_EQ(resolve_via(dns, "nothing-here.invalid", IpVersion::any), Errno::noent);
  EXPECT_GT(dns.queries(), 0);  // the answer really came from our server
}

TEST_F(ResolverDnsTest, ServfailIsAgain) {
  LoopbackDns dns({{"flaky.test", {.rcode = 2, .a = {}, .aaaa = {}}}});
  EXPECT_EQ(resolve_via(dns, "flaky.test", IpVersion::any), Errno::again);
  EXPECT_GT(dns.queries(), 0);
}

TEST_F(ResolverDnsTest, SeveralAddressesWithoutDuplicates) {
  std::array<uint8_t, 16> six{0x20, 0x01, 0x0d, 0xb8};
  six[15] = 9;
  LoopbackDns dns({{"many.test",
                    {.a = {{192, 0, 2, 1}, {192, 0, 2, 2}, {192, 0, 2, 1}}, .aaaa = {six}}}});
  std::vector<Address> got;
  ASSERT_EQ(resolve_via(dns, "many.test", IpVersion::any, &got), Errno::success);
  EXPECT_EQ(got.size(), 3u);
  EXPECT_TRUE(contains(got, v4(192, 0, 2, 1)));
  EXPECT_TRUE(contains(got, v4(192, 0, 2, 2)));
  EXPECT_TRUE(contains(got, Address::ipv6(six, 0)));
  EXPECT_TRUE(no_duplicates(got));

  // (getaddrinfo sorts by RFC 6724 for this host's routes; we keep its order.)
  ASSERT_EQ(resolve_via(dns, "many.test", IpVersion::v4, &got), Errno::success);
  EXPECT_EQ(got.size(), 2u);
  EXPECT_TRUE(contains(got, v4(192, 0, 2, 1)));
  EXPECT_TRUE(contains(got, v4(192, 0, 2, 2)));
  ASSERT_EQ(resolve_via(dns, "many.test", IpVersion::v6, &got), Errno::success);
  EXPECT_EQ(got, std::vector<Address>{Address::ipv6(six, 0)});
}

// Each version alone: from /etc/hosts, or no such host (our server knows
// no localhost), never an address of the other version.
TEST_F(ResolverDnsTest, LocalhostByVersion) {
  LoopbackDns dns({});
  std::vector<Address> got4, got6;
  const Errno e4 = resolve_via(dns, "localhost", IpVersion::v4, &got4);
  const Errno e6 = resolve_via(dns, "localhost", IpVersion::v6, &got6);
  ASSERT_TRUE(e4 == Errno::success || e6 == Errno::success);
  if (e4 == Errno::success) {
    EXPECT_TRUE(contains(got4, v4(127, 0, 0, 1)));
    for (const Address& a : got4) EXPECT_EQ(a.family, Family::inet) << a.to_string();
  } else {
    EXPECT_EQ(e4, Errno::noent);
  }
  if (e6 == Errno::success) {
    EXPECT_TRUE(contains(got6, v6_loopback()));
    for (const Address& a : got6) EXPECT_EQ(a.family, Family::inet6) << a.to_string();
  } else {
    EXPECT_EQ(e6, Errno::noent);
  }
}

TEST_F(ResolverDnsTest, NoAddressOfThatVersionIsNoent) {
  LoopbackDns dns({{"v4only.test", {.a = {{192, 0, 2, 3}}, .aaaa = {}}}});
  EXPECT_EQ(resolve_via(dns, "v4only.test", IpVersion::v4), Errno::success);
  EXPECT_EQ(resolve_via(dns, "v4only.test", IpVersion::v6), Errno::noent);
}

}  // namespace
}  // namespace wasinet::net
