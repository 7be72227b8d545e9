// A hostile guest through the REAL engine: a generated WAT module imports
// every function of wasi_snapshot_preview1 (WasmEdge's socket calls
// included, the first signature of each name) and wasinet_v0 and calls each
// with pointers and lengths swept across the end of its memory (0, the last
// bytes, one past, 2^31, 2^32 - 1, lengths that wrap a 32-bit sum, huge
// iovec counts, iovecs that point outside memory, misaligned or
// overlapping), then grows its memory and sweeps again against the new end.
//
// preview1_hostile_sweep_test.cc calls the adapters directly over a buffer
// of our own; this one proves the engine boundary: the memory each call
// sees is the exported memory as wasmtime reports it at that moment (also
// after memory.grow), no call traps the host, and every call that fails
// changes no byte of guest memory. The checks run on both sides: the test
// wraps every host function and compares a snapshot of guest memory around
// each call; the guest checks a canary band itself after each failed call.
// The fds swept are stdio, a preopened directory, a listening socket and a
// connection accepted from the test (with data waiting), under a network
// that lets the guest accept that peer and nothing else.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "abi/raw_socket_address.hh"
#include "guest_run.hh"
#include "net/socket_calls.hh"
#include "socket_fd.hh"
#include "test_options.hh"

namespace wasinet {
namespace {

namespace fs = std::filesystem;
using testkit::i32;

constexpr uint32_t kPage = 65536;
// Guest memory layout: planted structures in [0, 4096), zeros in
// [4096, 8192), the canary band the guest checks, and the last 4 KiB of
// memory as scratch that pointers near the end may legitimately hit.
constexpr uint32_t kBandStart = 16384;
constexpr uint32_t kBandEnd = 24576;
constexpr int kVectorsPerFunction = 64;
constexpr uint32_t kMaxErrno = static_cast<uint16_t>(wasi::Errno::notcapable);  // the highest

// Functions that end the guest or rearrange its fds (the fd probe in
// tests/e2e/isolation_test.go covers those).
const std::set<std::string> kSkipped = {"proc_exit", "fd_close", "fd_renumber"};

// What the wrappers learn about each call; the guest's own checks end the
// run with an exit code instead.
struct SweepHost {
  wasi::Context* ctx = nullptr;
  std::vector<const engine::HostFunction*> originals;
  std::vector<uint32_t> memory_sizes;  // each distinct size seen, in order
  uint64_t calls = 0, failed_calls = 0, succeeded_calls = 0;
  std::vector<std::string> violations;
};

std::string describe(const engine::HostFunction& f, const uint64_t* args) {
  std::string s = f.name + "(";
  for (size_t i = 0; i < f.params.size(); ++i) s += (i ? ", " : "") + std::to_string(args[i]);
  return s + ")";
}

// A changed byte after a successful call must lie where the call was
// pointed: in the planted or scratch areas, or within reach of an argument
// used as a pointer (up to 4 KiB of out-structure, or as far as another
// argument used as a length).
bool write_allowed(uint32_t x, uint32_t end, const engine::HostFunction& f, const uint64_t* args) {
  if (x < 8192 || x >= end - 4096) return true;
  for (size_t i = 0; i < f.params.size(); ++i) {
    const uint64_t p = args[i] & 0xffffffffu;
    if (x >= p && x < p + 4096) return true;
    for (size_t j = 0; j < f.params.size(); ++j)
      if (j != i && x >= p && x < p + (args[j] & 0xffffffffu)) return true;
  }
  return false;
}

template <size_t I>
engine::HostReturn wrapped(void* host, std::span<uint8_t> memory, const uint64_t* args) {
  auto& h = *static_cast<SweepHost*>(host);
  const engine::HostFunction& f = *h.originals[I];
  const uint32_t size = static_cast<uint32_t>(memory.size());
  if (h.memory_sizes.empty() || h.memory_sizes.back() != size) h.memory_sizes.push_back(size);
  std::vector<uint8_t> before;
  before.assign(memory.begin(), memory.end());
  engine::HostReturn r = f.callback(h.ctx, memory, args);
  ++h.calls;
  const auto violation = [&](const std::string& what) {
    if (h.violations.size() < 20) h.violations.push_back(describe(f, args) + ": " + what);
  };
  if (r.trap) violation(std::string("trapped: ") + r.trap);
  if (r.exit && f.name != "proc_exit") violation("asked to exit");  // the guest's own last call
  // sock_getaddrinfo may also answer WasmEdge's EAI_* numbers (77..87).
  const uint64_t max_errno = f.name == "sock_getaddrinfo" ? 87 : kMaxErrno;
  const bool errno_result = f.name != "sock_determine_host_af_family";
  if (errno_result && r.value > max_errno) violation("returned " + std::to_string(r.value) + ", no errno");
  if (size) {
    for (uint32_t x = 0; x < size; ++x) {
      if (memory[x] == before[x]) continue;
      if (r.value != 0) {
        violation("failed with errno " + std::to_string(r.value) + " but changed byte " + std::to_string(x));
        break;
      }
      if (!write_allowed(x, size, f, args)) {
        violation("wrote byte " + std::to_string(x) + ", far from every argument");
        break;
      }
    }
  }
  (r.value == 0 ? h.succeeded_calls : h.failed_calls) += 1;
  return r;
}

template <size_t... I>
constexpr auto make_wrappers(std::index_sequence<I...>) {
  return std::array<engine::HostCallback, sizeof...(I)>{&wrapped<I>...};
}
constexpr auto kWrappers = make_wrappers(std::make_index_sequence<96>());

std::string wat_type(engine::ValType t) { return t == engine::ValType::i32 ? "i32" : "i64"; }

// Stores that plant, for a memory ending at `end`: preview1 iovecs (at 0:
// crossing the end, misaligned, overlapping, wrapping; at 64: valid ones
// into the zero area, overlapping and misaligned), wasinet_v0 16-byte
// iovecs (at 128, one with high bits set in its 64-bit pointer), strings
// (at 256), socket addresses (at 1024: inet 127.0.0.1:listener port; at
// 2048: unix /tree/s), and a poll subscription (at 3072: clock, relative 0).
std::string plant(uint32_t end, uint16_t listener_port) {
  std::string s;
  const auto st32 = [&](uint32_t at, uint64_t v) {
    s += "(i32.store " + i32(at) + " " + i32(static_cast<uint32_t>(v)) + ")\n";
  };
  const auto st64 = [&](uint32_t at, uint64_t v) {
    s += "(i64.store " + i32(at) + " (i64.const " + std::to_string(static_cast<int64_t>(v)) + "))\n";
  };
  const auto st8 = [&](uint32_t at, uint8_t v) {
    s += "(i32.store8 " + i32(at) + " " + i32(v) + ")\n";
  };
  using Pairs = std::vector<std::pair<uint64_t, uint64_t>>;
  // {u32 buf, u32 len} at `at`, `at + 8`, ...
  const auto iovecs = [&](uint32_t at, const Pairs& v) {
    for (size_t i = 0; i < v.size(); ++i) {
      st32(at + 8 * i, v[i].first);
      st32(at + 8 * i + 4, v[i].second);
    }
  };
  s += testkit::fill(0, 0xFF, 4096);
  s += testkit::fill(4096, 0, 4096);
  iovecs(0, {{end - 4, 8}, {1, 3}, {2, 3}, {0xffffffffu, 1}, {end, 0}, {4, 0xfffffffcu},
             {end - 1, 1}, {0, end + 1}});
  iovecs(64, {{4096, 16}, {4100, 16}, {4097, 3}, {8191, 1}});
  // wasinet_v0 iovecs {u64 buf, u32 len, u32 pad}
  const Pairs v0 = {{4096, 8}, {(uint64_t{1} << 32) + 4096, 8}, {end - 4, 8}, {4104, 8}};
  for (size_t i = 0; i < v0.size(); ++i) {
    st64(128 + 16 * i, v0[i].first);
    st32(128 + 16 * i + 8, v0[i].second);
    st32(128 + 16 * i + 12, 0);
  }
  // Strings: ".", "a", "../x", "/etc/passwd" (21 bytes with their NULs).
  const char* strs = ".\0a\0../x\0/etc/passwd";
  for (int i = 0; i < 21; ++i) st8(256 + i, static_cast<uint8_t>(strs[i]));
  // Socket addresses, encoded as the ABI does.
  std::array<uint8_t, abi::kRawSocketAddressSize> a{};
  abi::encode_socket_address(net::Address::ipv4({127, 0, 0, 1}, listener_port), a);
  for (size_t i = 0; i < a.size(); ++i) st8(1024 + i, a[i]);
  a.fill(0);
  abi::encode_socket_address(net::Address::unix_path("/tree/s"), a);
  for (size_t i = 0; i < a.size(); ++i) st8(2048 + i, a[i]);
  // A clock subscription: userdata, tag 0 (clock), id monotonic, timeout 0.
  st64(3072, 7);
  st8(3080, 0);
  st32(3088, 1);
  st64(3096, 0);
  st64(3104, 0);
  s += "(i32.store16 " + i32(3112) + " " + i32(0) + ")\n";
  // The top scratch area.
  s += testkit::fill(end - 4096, 0xFF, 4096);
  return s;
}

// (if (EXPR != WANT) exit(CODE))
std::string exit_unless(const std::string& expr, int64_t want, int code) {
  return "(if (i32.ne " + expr + " " + i32(want) + ") (then (call $exit " + i32(code) + ")))\n";
}

// The guest may accept the test's own peer on loopback (on the listener
// the test opened as an operator would), and nothing else:
// whatever addresses the sweep's bytes spell, no socket opens, binds,
// connects, sends to an address or resolves a name.
class AcceptLoopbackOnly final : public net::Network {
 public:
  wasi::Status check(const net::Request& r) override {
    if (r.by_operator) return wasi::Errno::success;  // the test's --listen socket
    if (r.op != net::Operation::accept || !r.address) return wasi::Errno::acces;
    const net::Address a = r.address->unmapped();
    return a.family == net::Family::inet && a.ip[0] == 127 ? wasi::Errno::success : wasi::Errno::acces;
  }
};

class IsolationEngineSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasinet-esweep-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "tree" / "sub");
    GuestOptions config = testkit::test_options("engine_sweep.wasm", {"a", "b"});
    config.environ = {"K=V"};
    config.dirs = {{(root_ / "tree").string(), "/tree", false}};
    config.listeners = {ListenSpec::tcp("127.0.0.1", 0)};  // fd 4
    runtime::setup_context(ctx_, config, std::make_shared<AcceptLoopbackOnly>(), 1);
    listeners_ = std::make_unique<runtime::Listeners>(config.listeners, ctx_.network.get());
    runtime::add_listeners(ctx_, *listeners_);
    // Stdio on /dev/null: writes must not reach the test's output, reads
    // must not wait for a terminal.
    for (wasi::Fd fd = 0; fd < 3; ++fd) {
      auto entry = ctx_.fds.get(fd);
      ASSERT_TRUE(entry.ok());
      (*entry)->object = std::make_shared<wasi::Stdio>(os::UniqueFd(::open("/dev/null", O_RDWR | O_CLOEXEC)));
    }
    // Any wait a call would start ends at once (EINTR): a hostile guest
    // must not park the sweep.
    ctx_.wake->fire();
    auto port = net::local_address(ctx_, net::sock(ctx_, 4));
    ASSERT_TRUE(port.ok());
    listener_port_ = port->port;
    // A peer waiting on the listener with data sent: the sweep's accepts
    // give the guest a connected socket (fd 5) to receive from and send on.
    const testkit::NativeAddr a = testkit::native_addr("127.0.0.1", listener_port_);
    peer_ = os::UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(peer_.valid());
    ASSERT_EQ(::connect(peer_.get(), reinterpret_cast<const sockaddr*>(&a.ss), a.len), 0);
    const std::vector<uint8_t> data(16384, 0x5A);
    ASSERT_EQ(::send(peer_.get(), data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size()));
  }
  void TearDown() override {
    fs::remove_all(root_);
  }

  // Values a hostile guest passes as i32s, for a memory ending at `end`.
  static std::vector<uint64_t> i32_values(uint32_t end) {
    return {0,          1,          2,          3,           4,          5,          7,
            8,          16,         24,         64,          128,        130,        256,
            1024,       2048,       3072,       4095,        4096,       end - 130,  end - 64,
            end - 24,   end - 8,    end - 4,    end - 1,     end,        end + 1,    0x7fffffffu,
            0x80000000u, 0xfffffff0u, 0xfffffffcu, 0xffffffffu, 1u << 20,  1025,       65536 * 3};
  }
  static constexpr uint64_t kI64Values[] = {0, 1, 4096, 0xffffffffu, uint64_t{1} << 32,
                                            0x7fffffffffffffff, 0xffffffffffffffff};

  // One phase's calls, as (call $after (call $fN ...) id errno_like), in
  // functions of at most 200 calls (one huge function compiles slowly).
  void sweep_calls(uint32_t end, std::mt19937_64& rng, std::vector<std::string>& chunks) {
    const std::vector<uint64_t> v32 = i32_values(end);
    std::string body;
    int in_chunk = 0;
    for (size_t n = 0; n < functions_.size(); ++n) {
      const engine::HostFunction& f = functions_[n];
      if (kSkipped.count(f.name)) continue;
      for (int k = 0; k < kVectorsPerFunction; ++k) {
        std::string call = "(call $f" + std::to_string(n);
        std::vector<uint64_t> args;
        for (size_t p = 0; p < f.params.size(); ++p) {
          uint64_t v;
          if (f.params[p] == engine::ValType::i64) v = kI64Values[rng() % std::size(kI64Values)];
          else if (k == 0) v = 0;
          else if (k == 1) v = 0xffffffffu;
          else if (k == 2) v = end - 4;
          // The first parameter is usually an fd: one of ours half the time.
          else if (p == 0 && rng() % 2) v = rng() % 6;
          else v = v32[rng() % v32.size()];
          args.push_back(v);
          call += f.params[p] == engine::ValType::i64
                      ? " (i64.const " + std::to_string(static_cast<int64_t>(v)) + ")"
                      : " " + i32(static_cast<uint32_t>(v));
        }
        call += ")";
        const int id = static_cast<int>(descriptions_.size());
        descriptions_.push_back(describe(f, args.data()));
        // sock_determine_host_af_family answers a family; sock_getaddrinfo
        // may answer WasmEdge's EAI_* numbers (77 and on), which the direct
        // sweep checks (preview1_hostile_sweep_test.cc).
        const bool errno_like = f.name != "sock_determine_host_af_family" && f.name != "sock_getaddrinfo";
        body += "(call $after " + call + " " + i32(id) + " " + i32(errno_like) + ")\n";
        if (++in_chunk == 200) {
          chunks.push_back(body);
          body.clear();
          in_chunk = 0;
        }
      }
    }
    if (!body.empty()) chunks.push_back(body);
  }

  std::string module_wat() {
    std::string imports;
    for (size_t n = 0; n < functions_.size(); ++n) {
      const engine::HostFunction& f = functions_[n];
      imports += "(import \"" + f.module + "\" \"" + f.name + "\" (func $f" + std::to_string(n);
      if (!f.params.empty()) {
        imports += " (param";
        for (engine::ValType t : f.params) imports += " " + wat_type(t);
        imports += ")";
      }
      for (engine::ValType t : f.results) imports += " (result " + wat_type(t) + ")";
      imports += "))\n";
    }
    std::mt19937_64 rng(20261125);
    std::vector<std::string> phase1, phase2;
    sweep_calls(kPage, rng, phase1);
    sweep_calls(2 * kPage, rng, phase2);
    std::string funcs, calls1, calls2;
    for (size_t i = 0; i < phase1.size() + phase2.size(); ++i) {
      const bool first = i < phase1.size();
      const std::string& body = first ? phase1[i] : phase2[i - phase1.size()];
      funcs += "(func $chunk" + std::to_string(i) + "\n" + body + ")\n";
      (first ? calls1 : calls2) += "(call $chunk" + std::to_string(i) + ")\n";
    }
    const uint32_t probe = 2 * kPage - 16;  // valid only once memory has grown
    const auto random = [&](uint32_t ptr, uint32_t len) {
      return "(call $random " + i32(ptr) + " " + i32(len) + ")";
    };
    size_t accept = functions_.size();
    for (size_t n = 0; n < functions_.size(); ++n)
      if (functions_[n].module == "wasi_snapshot_preview1" && functions_[n].name == "sock_accept")
        accept = n;
    EXPECT_LT(accept, functions_.size());
    // Accept the test's peer first (fd 5, stored at 8188), so the sweep has
    // a connected socket with data waiting.
    const std::string accept_peer =
        exit_unless("(call $f" + std::to_string(accept) + " " + i32(4) + " " + i32(0) + " " + i32(8188) + ")",
                    0, 8) +
        exit_unless("(i32.load " + i32(8188) + ")", 5, 9);
    // Before growing, the second page is past the end (EFAULT, 21); after,
    // the same range is inside and the new end is exact.
    const std::string grow = exit_unless(random(probe, 16), 21, 3) +
                             exit_unless("(memory.grow (i32.const 1))", 1, 4) +
                             exit_unless(random(probe, 16), 0, 5) + exit_unless(random(probe, 17), 21, 6) +
                             exit_unless("(call $band_ok)", 1, 7);
    return "(module\n" + imports + R"(
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; 1 when every byte of the band is still 0xA5.
  (func $band_ok (result i32) (local $p i32)
    (local.set $p (i32.const )" + std::to_string(kBandStart) + R"())
    (block $bad
      (loop $next
        (br_if $bad (i64.ne (i64.load (local.get $p)) (i64.const 0xA5A5A5A5A5A5A5A5)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br_if $next (i32.lt_u (local.get $p) (i32.const )" + std::to_string(kBandEnd) + R"())))
      (return (i32.const 1)))
    (i32.const 0))
  (func $fill_band
    (memory.fill (i32.const )" + std::to_string(kBandStart) + R"() (i32.const 0xA5) (i32.const )" +
           std::to_string(kBandEnd - kBandStart) + R"()))
  ;; Exit 10*id+1: not an errno; 10*id+2: a failed call changed the band.
  ;; After a success the band is refilled (the call may have been pointed there).
  (func $after (param $r i32) (param $id i32) (param $errno_like i32)
    (if (i32.and (local.get $errno_like) (i32.gt_u (local.get $r) (i32.const 76)))
      (then (call $exit (i32.add (i32.mul (local.get $id) (i32.const 10)) (i32.const 1)))))
    (if (i32.eqz (local.get $r))
      (then (call $fill_band))
      (else (if (i32.eqz (call $band_ok))
        (then (call $exit (i32.add (i32.mul (local.get $id) (i32.const 10)) (i32.const 2))))))))
)" + funcs + R"(
  (func (export "_start")
    (call $fill_band)
)" + accept_peer + plant(kPage, listener_port_) + calls1 + grow +
           plant(2 * kPage, listener_port_) + calls2 + "(call $exit (i32.const 0))))\n";
  }

  fs::path root_;
  wasi::Context ctx_;
  std::unique_ptr<runtime::Listeners> listeners_;
  uint16_t listener_port_ = 0;
  os::UniqueFd peer_;
  abi::HostFunctions functions_ = testkit::all_functions();
  std::vector<std::string> descriptions_;
};

TEST_F(IsolationEngineSweepTest, EveryImportFailsCleanlyAcrossTheMemoryEndBeforeAndAfterGrow) {
  ASSERT_LE(functions_.size(), kWrappers.size());
  SweepHost host;
  host.ctx = &ctx_;
  abi::HostFunctions wrapped_functions = functions_;
  for (size_t i = 0; i < functions_.size(); ++i) {
    host.originals.push_back(&functions_[i]);
    wrapped_functions[i].callback = kWrappers[i];
  }
  const std::string wat = module_wat();
  engine::Engine engine;
  engine::Module module = engine.compile(engine::wat_to_wasm(wat));
  const engine::RunOutcome r = engine.run(module, wrapped_functions, &host);

  ASSERT_EQ(r.kind, engine::RunOutcome::Kind::exited) << r.message;
  if (r.exit_code >= 10) {
    const size_t id = static_cast<size_t>(r.exit_code / 10);
    ADD_FAILURE() << "the guest stopped at " << (id < descriptions_.size() ? descriptions_[id] : "?")
                  << (r.exit_code % 10 == 1 ? ": not an errno" : ": a failed call changed the canary band");
  } else {
    EXPECT_EQ(r.exit_code, 0) << "3: a range past the first page was not EFAULT before memory.grow; "
                                 "4: memory.grow failed; 5/6: the grown end is not where the engine says; "
                                 "7: the band changed; 8/9: accepting the waiting peer failed";
  }
  for (const std::string& v : host.violations) ADD_FAILURE() << v;
  // Each call saw the memory as the engine had it: one page, then two.
  EXPECT_EQ(host.memory_sizes, (std::vector<uint32_t>{kPage, 2 * kPage}));
  EXPECT_GE(host.calls, descriptions_.size());
  // The sweep reaches real work, not only argument errors.
  EXPECT_GT(host.succeeded_calls, 200u);
  EXPECT_GT(host.failed_calls, 2000u);
  std::printf("engine sweep: %llu calls through %zu imports (%llu succeeded, %llu failed)\n",
              static_cast<unsigned long long>(host.calls), functions_.size() - kSkipped.size(),
              static_cast<unsigned long long>(host.succeeded_calls),
              static_cast<unsigned long long>(host.failed_calls));
  // Nothing was made outside the preopened tree.
  for (const auto& entry : fs::directory_iterator(root_))
    EXPECT_EQ(entry.path().filename(), "tree") << "created outside the preopen: " << entry.path();
}

}  // namespace
}  // namespace wasinet
