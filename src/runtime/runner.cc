#include "runtime/runner.hh"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "abi/preview1.hh"
#include "abi/wasinet_v0.hh"
#include "engine/engine.hh"
#include "os/unique_fd.hh"
#include "os/wake_event.hh"
#include "runtime/instance_setup.hh"
#include "runtime/module_loader.hh"
#include "wasinet/error.hh"

namespace wasinet::runtime {
namespace {

// Names every import we cannot satisfy before the engine would, so the
// message says which module and function are missing and nothing else.
void check_imports(const engine::Module& module, const abi::HostFunctions& functions,
                   const std::string& file) {
  std::set<std::pair<std::string, std::string>> provided;
  for (const auto& f : functions) provided.emplace(f.module, f.name);
  for (const engine::Import& imp : module.imports()) {
    if (!imp.is_function)
      throw Error(file + " imports " + imp.module + "::" + imp.name +
                  ", which is not a function; wasinet provides only functions");
    if (!provided.count({imp.module, imp.name}))
      throw Error(file + " imports function " + imp.module + "::" + imp.name +
                  ", which wasinet does not provide");
  }
}

const char* signal_name(int sig) { return sig == SIGINT ? "SIGINT" : "SIGTERM"; }

// Stops the guest on SIGINT or SIGTERM.
//
// While it exists the two signals are blocked in this thread, and so in
// every thread started meanwhile (wasmtime's compiler threads), and a
// watcher thread reads them from a signalfd. On the first one it fires the
// guest's WakeEvent, which ends every blocking host wait (poll_oneoff,
// blocking socket calls) with EINTR, and advances the engine's epoch,
// which traps the guest at its next epoch check; it repeats the epoch step
// every 100 ms until the run ends, to catch a guest that was just starting.
// Before the guest starts (while its module compiles, which cannot be
// interrupted and may take seconds) there is nothing to unwind: the
// watcher runs `before_exit` and ends the process at once. So does a second
// signal, for a guest stuck where neither the wake nor the epoch reaches.
class StopSignals {
 public:
  StopSignals(std::shared_ptr<const os::WakeEvent> wake, const engine::Engine& engine,
              std::function<void()> before_exit)
      : wake_(std::move(wake)), engine_(engine), before_exit_(std::move(before_exit)) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    if (int e = pthread_sigmask(SIG_BLOCK, &signals_, &old_mask_); e != 0)
      throw Error(std::string("cannot block SIGINT/SIGTERM: ") + std::strerror(e));
    signal_fd_.reset(::signalfd(-1, &signals_, SFD_CLOEXEC | SFD_NONBLOCK));
    done_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!signal_fd_ || !done_) {
      const int e = errno;
      pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
      throw Error(std::string("cannot watch for SIGINT/SIGTERM: ") + std::strerror(e));
    }
    watcher_ = std::thread([this] { watch(); });
  }

  ~StopSignals() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(done_.get(), &one, sizeof one);
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // From now on a signal stops the guest rather than the process.
  void guest_starting() noexcept { guest_started_.store(true); }

  // The signal that stopped the guest, or 0.
  int received() const noexcept { return received_.load(); }

 private:
  void watch() {
    pollfd fds[2] = {{signal_fd_.get(), POLLIN, 0}, {done_.get(), POLLIN, 0}};
    for (;;) {
      const int timeout_ms = received_.load() ? 100 : -1;
      const int n = ::poll(fds, 2, timeout_ms);
      if (n < 0 && errno != EINTR) return;
      if (fds[1].revents & POLLIN) return;
      if (n == 0) {  // still stopping: catch a guest that started late
        engine_.interrupt_all();
        continue;
      }
      if (!(fds[0].revents & POLLIN)) continue;
      signalfd_siginfo info{};
      if (::read(signal_fd_.get(), &info, sizeof info) != sizeof info) continue;
      const int sig = static_cast<int>(info.ssi_signo);
      if (received_.load() || !guest_started_.load()) {
        if (before_exit_) before_exit_();
        const std::string line = std::string("wasinet: stopped by ") + signal_name(sig) +
                                 (received_.load() ? " (forced)\n" : "\n");
        [[maybe_unused]] ssize_t w = ::write(STDERR_FILENO, line.data(), line.size());
        ::_exit(128 + sig);
      }
      received_.store(sig);
      wake_->fire();
      engine_.interrupt_all();
    }
  }

  std::shared_ptr<const os::WakeEvent> wake_;
  const engine::Engine& engine_;
  std::function<void()> before_exit_;
  sigset_t signals_{};
  sigset_t old_mask_{};
  os::UniqueFd signal_fd_;
  os::UniqueFd done_;
  std::atomic<int> received_{0};
  std::atomic<bool> guest_started_{false};
  std::thread watcher_;
};

void report_listeners(const SetupResult& setup, bool verbose) {
  for (const net::PreopenedListener& l : setup.listeners)
    if (l.port_chosen_by_system || verbose)
      std::fprintf(stderr, "wasinet: listening on %s (fd %u)\n", l.url.c_str(), l.fd);
}

}  // namespace

int run(const RunConfig& config) {
  // Flags first (a --dir that does not exist), then the module.
  wasi::Context ctx;
  SetupResult setup = setup_context(ctx, config);
  struct RemoveSocketFiles {
    const SetupResult& setup;
    ~RemoveSocketFiles() { remove_socket_files(setup); }
  } remove_socket_files_at_end{setup};

  engine::Engine engine;
  StopSignals stop(ctx.wake, engine, [&setup] { remove_socket_files(setup); });
  LoadOptions load;
  load.use_cache = config.use_cache;
  load.cache_dir = config.cache_dir;
  load.verbose = config.verbose;
  engine::Module module = load_module(engine, config.module, load);

  abi::HostFunctions functions = abi::preview1_functions();
  abi::add_wasinet_v0(functions);
  check_imports(module, functions, config.module.string());
  report_listeners(setup, config.verbose);

  engine::RunOutcome outcome;
  stop.guest_starting();
  try {
    outcome = engine.run(module, functions, &ctx);
  } catch (const Error& e) {
    throw Error(config.module.string() + ": " + e.what());
  }
  // A stopped guest ends however the stop reached it: an epoch trap, or
  // its own reaction to EINTR. Either way the signal decides the status,
  // as the shell expects of a program killed by it.
  if (int sig = stop.received()) {
    std::fprintf(stderr, "wasinet: stopped by %s\n", signal_name(sig));
    return 128 + sig;
  }
  switch (outcome.kind) {
    case engine::RunOutcome::Kind::returned: return 0;
    case engine::RunOutcome::Kind::exited: return outcome.exit_code;
    case engine::RunOutcome::Kind::interrupted:
    case engine::RunOutcome::Kind::trapped:
      std::fprintf(stderr, "wasinet: %s trapped: %s\n", config.module.filename().c_str(),
                   outcome.message.c_str());
      return kExitTrap;
  }
  return kExitTrap;
}

}  // namespace wasinet::runtime
