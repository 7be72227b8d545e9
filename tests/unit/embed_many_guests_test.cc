// A thousand short guests through the public embedding API
// (include/wasinet/wasmtime.hh) in this one process: each opens files and
// sockets of every kind (sdk/c/tests/csdk_fault_open.c) and ends without
// closing them: by proc_exit, by a trap, or stopped by the embedder while
// it waits in poll (Host::stop plus an epoch interrupt). Afterwards this
// process's /proc/self/fd must list exactly what it listed before, and the
// native peer of every guest must have seen its connection end.
//
// Only the public API and wasmtime's C API are used here, as an embedder
// would; the module is compiled once and instantiated per guest.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wasmtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "wasinet/wasmtime.hh"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// How many guests; WASINET_EMBED_GUESTS overrides (for a longer run by hand).
int guest_count() {
  if (const char* env = std::getenv("WASINET_EMBED_GUESTS")) return std::max(3, std::atoi(env));
  return 1000;
}

// The test binary is BUILD/tests/wasinet_unit_tests; C SDK guests are
// built to BUILD/guests/c/NAME.wasm.
fs::path guest_path() {
  return fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "guests" / "c" /
         "csdk_fault_open.wasm";
}

// This process's descriptors as "N -> target", sorted.
std::vector<std::string> open_fds() {
  std::vector<std::string> out;
  for (const fs::directory_entry& e : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(e.path(), ec);
    out.push_back(e.path().filename().string() + " -> " + (ec ? "?" : target.string()));
  }
  // (The directory iterator's own descriptor is listed too, with the same
  // number each time.)
  std::sort(out.begin(), out.end());
  return out;
}

std::string message_of(wasmtime_error_t* error, wasm_trap_t* trap) {
  wasm_byte_vec_t text;
  if (error) {
    wasmtime_error_message(error, &text);
  } else {
    wasm_trap_message(trap, &text);
  }
  std::string out(text.data, text.size);
  wasm_byte_vec_delete(&text);
  return out.substr(0, out.find('\n'));
}

// How one guest ended, as the embedder sees it.
struct Outcome {
  bool ended_by_trap = false;              // an error or trap came back from _start
  std::optional<wasmtime_trap_code_t> code;  // the trap's code, if it has one
  std::string message;
};

// Waits up to `ms` for fd to become readable.
bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) == 1;
}

class EmbedManyGuests : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path wasm_path = guest_path();
    ASSERT_TRUE(fs::exists(wasm_path)) << wasm_path << " is not built (target guests_csdk)";
    std::ifstream in(wasm_path, std::ios::binary);
    const std::vector<uint8_t> wasm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    wasm_config_t* config = wasm_config_new();
    // So the embedder can stop code running in wasm, not only host waits.
    wasmtime_config_epoch_interruption_set(config, true);
    engine_ = wasm_engine_new_with_config(config);
    wasmtime_error_t* error = wasmtime_module_new(engine_, wasm.data(), wasm.size(), &module_);
    ASSERT_EQ(error, nullptr) << message_of(error, nullptr);

    dir_ = fs::temp_directory_path() / ("wasinet-embed-many-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "in.txt") << "input\n";

    // The native peer every guest dials.
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(listener_, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(listener_, 16), 0);
    socklen_t len = sizeof a;
    ASSERT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port_ = ntohs(a.sin_port);
  }

  void TearDown() override {
    if (listener_ >= 0) ::close(listener_);
    if (module_) wasmtime_module_delete(module_);
    if (engine_) wasm_engine_delete(engine_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs one guest that ends by `how` (exit, trap, wait); returns false
  // after recording a failure.
  bool run_one(int index, const std::string& how) {
    wasinet::GuestOptions options;
    options.argv = {"csdk_fault_open.wasm", "/data", std::to_string(port_), how};
    options.dirs = {wasinet::DirMapping{dir_.string(), "/data", false}};
    wasinet::NetPolicy policy;
    policy.allow_net = {"loopback"};
    policy.allow_listen = {"loopback"};
    options.network = wasinet::policy_network(policy);

    int peer = -1;
    {
      wasinet::Host host(options);  // declared first: outlives the linker and store
      wasmtime_store_t* store = wasmtime_store_new(engine_, nullptr, nullptr);
      wasmtime_context_t* context = wasmtime_store_context(store);
      wasmtime_context_set_epoch_deadline(context, 1);  // one tick from now
      wasmtime_linker_t* linker = wasmtime_linker_new(engine_);
      wasinet::add_to_linker(linker, host);

      Outcome outcome;
      std::thread guest([&] {
        wasmtime_instance_t instance;
        wasm_trap_t* trap = nullptr;
        wasmtime_error_t* error = wasmtime_linker_instantiate(linker, context, module_, &instance, &trap);
        wasmtime_extern_t start;
        if (!error && !trap) {
          if (!wasmtime_instance_export_get(context, &instance, "_start", 6, &start)) {
            outcome.message = "no _start";
            return;
          }
          error = wasmtime_func_call(context, &start.of.func, nullptr, 0, nullptr, 0, &trap);
        }
        if (error || trap) {
          outcome.ended_by_trap = true;
          outcome.message = message_of(error, trap);
          wasmtime_trap_code_t code;
          if (trap && wasmtime_trap_code(trap, &code)) outcome.code = code;
          if (trap) wasm_trap_delete(trap);
          if (error) wasmtime_error_delete(error);
        }
      });

      // The guest's connection, and its "hello": everything is open.
      bool hello = false;
      if (readable(listener_, 20000)) {
        peer = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        char buf[8];
        hello = peer >= 0 && readable(peer, 20000) && ::recv(peer, buf, sizeof buf, 0) == 6;
      }
      if (how == "wait" || !hello) {
        host.stop();  // wakes the poll...
        wasmtime_engine_increment_epoch(engine_);  // ...and ends the loop around it
      }
      guest.join();
      wasmtime_linker_delete(linker);
      wasmtime_store_delete(store);

      EXPECT_TRUE(hello) << "guest " << index << " (" << how << ") never said hello: " << outcome.message;
      if (how == "exit") {
        EXPECT_EQ(host.exit_code(), std::optional<int>(3)) << "guest " << index << ": " << outcome.message;
      } else {
        EXPECT_FALSE(host.exit_code().has_value()) << "guest " << index << " (" << how << ") exited";
        const wasmtime_trap_code_t want = how == "trap" ? WASMTIME_TRAP_CODE_UNREACHABLE_CODE_REACHED
                                                        : WASMTIME_TRAP_CODE_INTERRUPT;
        EXPECT_EQ(outcome.code, std::optional<wasmtime_trap_code_t>(want))
            << "guest " << index << " (" << how << "): " << outcome.message;
      }
    }  // the Host is gone: every fd of the guest must be closed now

    // The native peer sees the guest's connection end (EOF, or a reset if
    // data was left unread), at once.
    bool ended = false;
    if (peer >= 0) {
      char buf[8];
      ended = readable(peer, 5000) && ::recv(peer, buf, sizeof buf, MSG_DONTWAIT) <= 0;
      ::close(peer);
    }
    EXPECT_TRUE(ended) << "guest " << index << " (" << how << "): its connection is still open";
    return !::testing::Test::HasFailure();
  }

  wasm_engine_t* engine_ = nullptr;
  wasmtime_module_t* module_ = nullptr;
  fs::path dir_;
  int listener_ = -1;
  uint16_t port_ = 0;
};

TEST_F(EmbedManyGuests, EveryFdOfAThousandGuestsIsClosed) {
  const int count = guest_count();
  const std::vector<std::string> before = open_fds();
  const char* hows[] = {"exit", "trap", "wait"};
  const Clock::time_point start = Clock::now();
  int ran = 0;
  for (int i = 0; i < count; i++) {
    ++ran;
    if (!run_one(i, hows[i % 3])) break;  // one failure says enough
  }
  const double total_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  // wasmtime keeps one memfd per module (its memory image, made at the
  // first instantiation): it goes with the module, which the guests are done with.
  wasmtime_module_delete(module_);
  module_ = nullptr;
  const std::vector<std::string> after = open_fds();
  EXPECT_EQ(after, before) << "this process's fds differ after " << ran << " guests";
  char line[200];
  std::snprintf(line, sizeof line,
                "embed-many-guests: %d guests (exit/trap/stopped), %.0f ms, %.2f ms per guest, "
                "fds %zu before %zu after",
                ran, total_ms, total_ms / ran, before.size(), after.size());
  std::printf("%s\n", line);
  RecordProperty("ms_per_guest", std::to_string(total_ms / ran));
}

}  // namespace
