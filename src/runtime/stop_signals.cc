#include "runtime/stop_signals.hh"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "wasinet/error.hh"

namespace wasinet::runtime {

const char* signal_name(int sig) { return sig == SIGINT ? "SIGINT" : "SIGTERM"; }

StopSignals::StopSignals(std::shared_ptr<const os::WakeEvent> wake,
                         const engine::Engine& engine,
                         std::function<void()> before_exit)
    : wake_(std::move(wake)),
      engine_(engine),
      before_exit_(std::move(before_exit)),
      // How long a woken guest may take to end by itself. Without epoch
      // checks nothing else can end it (a Go guest retries poll_oneoff on
      // EINTR), so the wait is short; with them it only backs the epoch up
      // for a guest stuck where neither reaches. Decided here, on the
      // caller's thread, before the runner may swap engines (runner.cc).
      grace_(engine.interruptible() ? std::chrono::milliseconds(2000)
                                    : std::chrono::milliseconds(200)) {
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

StopSignals::~StopSignals() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(done_.get(), &one, sizeof one);
  watcher_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void StopSignals::exit_now(int sig, const char* note) {
  if (before_exit_) before_exit_();
  const std::string line = std::string("wasinet: stopped by ") + signal_name(sig) + note + "\n";
  [[maybe_unused]] ssize_t w = ::write(STDERR_FILENO, line.data(), line.size());
  ::_exit(128 + sig);
}

void StopSignals::watch() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point stopping_since{};
  pollfd fds[2] = {{signal_fd_.get(), POLLIN, 0}, {done_.get(), POLLIN, 0}};
  for (;;) {
    const int timeout_ms = received_.load() ? 50 : -1;
    const int n = ::poll(fds, 2, timeout_ms);
    if (n < 0 && errno != EINTR) return;
    if (fds[1].revents & POLLIN) return;
    if (n == 0) {  // still stopping: catch a guest that started late
      if (Clock::now() - stopping_since >= grace_) exit_now(received_.load(), "");
      engine_.interrupt_all();
      continue;
    }
    if (!(fds[0].revents & POLLIN)) continue;
    signalfd_siginfo info{};
    if (::read(signal_fd_.get(), &info, sizeof info) != sizeof info) continue;
    const int sig = static_cast<int>(info.ssi_signo);
    if (received_.load() || !guest_started_.load())
      exit_now(sig, received_.load() ? " (forced)" : "");
    stopping_since = Clock::now();
    received_.store(sig);
    // The epoch first: a guest woken from a host wait then traps at its
    // next epoch check rather than acting on the EINTR it got.
    engine_.interrupt_all();
    wake_->fire();
  }
}

}  // namespace wasinet::runtime
