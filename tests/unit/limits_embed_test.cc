// The embedding API honours each limit of GuestOptions (max_fds, max_conns,
// max_memory, timeout) on an embedder's own wasmtime engine, store and
// linker, with the real C guests of the CLI tests.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <wasmtime.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "wasinet/error.hh"
#include "wasinet/wasmtime.hh"

namespace wasinet {
namespace {

using namespace std::chrono_literals;

std::filesystem::path c_guest(const std::string& name) {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "guests" /
         "c" / (name + ".wasm");
}

std::string message_of(wasmtime_error_t* error, wasm_trap_t* trap) {
  wasm_byte_vec_t text;
  if (error) {
    wasmtime_error_message(error, &text);
    wasmtime_error_delete(error);
  } else {
    wasm_trap_message(trap, &text);
    wasm_trap_delete(trap);
  }
  std::string s(text.data, text.size);
  wasm_byte_vec_delete(&text);
  return s;
}

struct Embedded {
  bool instantiated = false;
  bool trapped = false;     // ended by a trap other than proc_exit
  std::optional<int> exit;  // proc_exit's code
  std::string error;        // instantiation error or trap message
  bool timed_out = false;
  std::chrono::duration<double> elapsed{};  // from limit_store to the end
  std::string out;                          // the guest's stdout
};

// Runs guest NAME with ARGS as an embedder would, the Host made from
// `options`; the guest's stdout is read from a pipe.
Embedded run_embedded(GuestOptions options, const std::string& name, std::vector<std::string> args) {
  const std::filesystem::path path = c_guest(name);
  EXPECT_TRUE(std::filesystem::exists(path)) << path << " is built with the test suite";
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> wasm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  options.argv = {name + ".wasm"};
  options.argv.insert(options.argv.end(), args.begin(), args.end());

  // The Host duplicates our fd 1 for the guest: make that a pipe meanwhile.
  int pipe_fds[2];
  EXPECT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  ::fcntl(pipe_fds[1], F_SETPIPE_SZ, 1 << 20);
  const int saved_stdout = ::dup(1);
  ::fflush(stdout);
  ::dup2(pipe_fds[1], 1);
  std::optional<Host> host;
  try {
    host.emplace(options);
  } catch (...) {
    ::dup2(saved_stdout, 1);
    throw;
  }
  ::dup2(saved_stdout, 1);
  ::close(saved_stdout);
  ::close(pipe_fds[1]);

  wasm_config_t* config = wasm_config_new();
  // Epochs only with a timeout: an epoch-interruptible store without a
  // deadline would trap at once, and limit_store sets one only then.
  wasmtime_config_epoch_interruption_set(config, options.timeout.count() > 0);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasmtime_module_t* module = nullptr;
  wasmtime_error_t* error = wasmtime_module_new(engine, wasm.data(), wasm.size(), &module);
  EXPECT_EQ(error, nullptr);
  wasmtime_store_t* store = wasmtime_store_new(engine, nullptr, nullptr);
  wasmtime_context_t* context = wasmtime_store_context(store);
  wasmtime_linker_t* linker = wasmtime_linker_new(engine);
  add_to_linker(linker, *host);

  Embedded r;
  const auto start = std::chrono::steady_clock::now();
  limit_store(engine, store, *host);
  wasmtime_instance_t instance;
  wasm_trap_t* trap = nullptr;
  error = wasmtime_linker_instantiate(linker, context, module, &instance, &trap);
  if (error || trap) {
    r.error = message_of(error, trap);
  } else {
    r.instantiated = true;
    wasmtime_extern_t start_fn;
    EXPECT_TRUE(wasmtime_instance_export_get(context, &instance, "_start", 6, &start_fn));
    error = wasmtime_func_call(context, &start_fn.of.func, nullptr, 0, nullptr, 0, &trap);
    if (error || trap) {
      r.exit = host->exit_code();
      r.trapped = !r.exit;
      r.error = message_of(error, trap);
    }
  }
  r.elapsed = std::chrono::steady_clock::now() - start;
  r.timed_out = host->timed_out();

  wasmtime_linker_delete(linker);
  wasmtime_store_delete(store);
  wasmtime_module_delete(module);
  host.reset();  // before the engine: its watchdog may still advance the epoch
  wasm_engine_delete(engine);

  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  return r;
}

GuestOptions bare() {
  GuestOptions o;
  o.dns_files = false;
  o.ca_certs = false;
  return o;
}

TEST(LimitsEmbed, MaxFds) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("limits_embed_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "probe") << "x";
  GuestOptions o = bare();
  o.dirs.push_back({dir.string(), "/data", false});
  o.max_fds = 20;
  o.network = unrestricted_network();
  Embedded r = run_embedded(o, "limits_fds", {"files", "/data/probe"});
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(r.instantiated) << r.error;
  EXPECT_FALSE(r.trapped) << r.error;
  // fds 0-2 stdio, 3 the directory: 16 files fill the 20.
  EXPECT_EQ(r.out, "files=16 errno=EMFILE\nreopened=3\nagain=EMFILE\nsocket=EMFILE\ndone\n");
}

TEST(LimitsEmbed, MaxConns) {
  GuestOptions o = bare();
  o.max_conns = 5;
  o.network = unrestricted_network();
  Embedded r = run_embedded(o, "limits_fds", {"sockets"});
  ASSERT_TRUE(r.instantiated) << r.error;
  EXPECT_FALSE(r.trapped) << r.error;
  EXPECT_EQ(r.out, "sockets=5 errno=EMFILE\nafter_listen=ok\nreopened=ok\ndone\n");
}

TEST(LimitsEmbed, MaxMemory) {
  GuestOptions o = bare();
  o.max_memory = 16 << 20;
  Embedded r = run_embedded(o, "limits_memory", {"grow"});
  ASSERT_TRUE(r.instantiated) << r.error;
  EXPECT_FALSE(r.trapped) << r.error;
  EXPECT_FALSE(r.exit) << "exit " << *r.exit << "\n" << r.out;
  int mib = -1;
  ASSERT_EQ(std::sscanf(r.out.c_str(), "allocated=%d MiB", &mib), 1) << r.out;
  EXPECT_GT(mib, 8) << "most of the 16 MiB is usable";
  EXPECT_LT(mib, 16) << "the cap held";
  EXPECT_NE(r.out.find("recovered\n"), std::string::npos) << r.out;
}

TEST(LimitsEmbed, InitialMemoryAboveMaxMemory) {
  GuestOptions o = bare();
  o.max_memory = 64 << 10;  // one page; wasi-libc programs start with more
  Embedded r = run_embedded(o, "limits_memory", {"grow"});
  EXPECT_FALSE(r.instantiated);
  EXPECT_NE(r.error.find("memory"), std::string::npos) << r.error;
}

// A guest spinning in wasm and one asleep in poll_oneoff both end soon
// after the timeout, and the Host says why.
TEST(LimitsEmbed, Timeout) {
  for (const char* mode : {"spin", "sleep"}) {
    SCOPED_TRACE(mode);
    GuestOptions o = bare();
    o.timeout = 1s;
    Embedded r = run_embedded(o, "limits_wait", {mode});
    ASSERT_TRUE(r.instantiated) << r.error;
    EXPECT_TRUE(r.timed_out);
    EXPECT_TRUE(r.trapped || r.exit) << "the guest ended by itself";
    EXPECT_GE(r.elapsed.count(), 0.99);
    EXPECT_LT(r.elapsed.count(), 4.0);
    EXPECT_EQ(r.out, "waiting\n");
  }
}

// A guest that ends in time is not reported as timed out, and the Host
// does not wait for the rest of its timeout to go away.
TEST(LimitsEmbed, GuestEndingInTime) {
  GuestOptions o = bare();
  o.timeout = 60s;
  o.network = unrestricted_network();
  const auto start = std::chrono::steady_clock::now();
  Embedded r = run_embedded(o, "limits_fds", {"sockets"});
  EXPECT_FALSE(r.timed_out);
  EXPECT_FALSE(r.trapped) << r.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
}

TEST(LimitsEmbed, TimeoutNeedsTheEngine) {
  GuestOptions o = bare();
  o.timeout = 1s;
  Host host(o);
  wasm_engine_t* engine = wasm_engine_new();
  wasmtime_store_t* store = wasmtime_store_new(engine, nullptr, nullptr);
  EXPECT_THROW(limit_store(nullptr, store, host), Error);
  wasmtime_store_delete(store);
  wasm_engine_delete(engine);
}

}  // namespace
}  // namespace wasinet
