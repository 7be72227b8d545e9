// wasinet::Service through its public API (include/wasinet/service.hh), as
// an embedder uses it: two instances of a real C server (listen_files, plain
// wasi-libc) on one shared listener, restarted after each client, reloaded
// to a new generation, then drained.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "os/unique_fd.hh"
#include "wasinet/error.hh"
#include "wasinet/service.hh"

namespace wasinet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path c_guest(const std::string& name) {
  return fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "guests" / "c" / (name + ".wasm");
}

uint16_t port_of(const std::string& url) { return static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1))); }

// One client: sends a line, returns the answer ("" on failure; 10 s at most).
std::string ask(uint16_t port) {
  os::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) return "";
  if (::send(fd.get(), "hi\n", 3, MSG_NOSIGNAL) != 3) return "";
  std::string out;
  char buf[256];
  pollfd p{fd.get(), POLLIN, 0};
  while (::poll(&p, 1, 10000) == 1) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

TEST(Service, InstancesShareAListenerAreRestartedReloadedAndDrained) {
  char tmpl[] = "/tmp/wasinet-service-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path dir = tmpl;
  std::ofstream(dir / "greeting.txt") << "hello from a service\n";

  ServiceOptions o;
  o.module = c_guest("listen_files");
  ASSERT_TRUE(fs::exists(o.module)) << o.module << " is built with the test suite";
  o.guest.argv = {"listen_files.wasm", "/d/greeting.txt"};
  o.guest.dirs = {{dir.string(), "/d", true}};
  o.guest.listeners = {ListenSpec::tcp("127.0.0.1", 0)};
  o.instances = 2;
  o.restart = RestartPolicy::always;  // listen_files serves one client, then exits 0
  o.drain_timeout = 1s;               // it waits in a blocking accept: a drain ends by the timeout
  o.use_cache = false;
  Service service(o);
  ASSERT_EQ(service.listeners().size(), 1u);
  const uint16_t port = port_of(service.listeners()[0].url);

  int status = -1;
  std::thread supervisor([&] { status = service.run(); });
  // Four clients in a row: two instances, each restarted after its client.
  for (int k = 0; k < 4; ++k)
    EXPECT_EQ(ask(port), "/d/greeting.txt: hello from a service\n") << "client " << k;
  service.reload();  // a new generation on the same socket; the old one drains
  for (int k = 0; k < 4; ++k)
    EXPECT_EQ(ask(port), "/d/greeting.txt: hello from a service\n") << "client " << k << " after the reload";
  const auto drain_started = std::chrono::steady_clock::now();
  service.drain();
  supervisor.join();
  EXPECT_EQ(status, 0) << "every instance ended by the service counts as 0";
  EXPECT_LT(std::chrono::steady_clock::now() - drain_started, 20s) << "the drain timeout ended the blocked accepts";
  fs::remove_all(dir);
}

TEST(Service, RefusesATimeoutAndZeroInstances) {
  ServiceOptions o;
  o.module = c_guest("hello");
  o.guest.argv = {"hello.wasm"};
  o.instances = 0;
  EXPECT_THROW(Service{o}, Error);
  o.instances = 1;
  o.guest.timeout = 1s;
  EXPECT_THROW(Service{o}, Error);
}

}  // namespace
}  // namespace wasinet
