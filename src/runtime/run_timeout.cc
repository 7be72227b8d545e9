#include "runtime/run_timeout.hh"

namespace wasinet::runtime {

RunTimeout::RunTimeout(std::chrono::milliseconds limit, std::shared_ptr<const os::WakeEvent> wake,
                       std::function<void()> interrupt, std::function<void()> stuck,
                       std::chrono::milliseconds grace)
    : wake_(std::move(wake)), interrupt_(std::move(interrupt)), stuck_(std::move(stuck)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  thread_ = std::thread([this, deadline, grace] { watch(deadline, grace); });
}

RunTimeout::~RunTimeout() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void RunTimeout::watch(std::chrono::steady_clock::time_point deadline,
                       std::chrono::milliseconds grace) {
  using namespace std::chrono_literals;
  std::unique_lock<std::mutex> lock(mutex_);
  if (cv_.wait_until(lock, deadline, [this] { return done_; })) return;
  expired_.store(true);
  // The epoch first: a guest woken from a host wait then traps at its next
  // epoch check rather than acting on the EINTR it got.
  if (interrupt_) interrupt_();
  if (wake_) wake_->fire();
  const auto give_up = std::chrono::steady_clock::now() + grace;
  while (!cv_.wait_for(lock, 100ms, [this] { return done_; })) {
    if (interrupt_) interrupt_();
    if (stuck_ && std::chrono::steady_clock::now() >= give_up) {
      stuck_();
      return;
    }
  }
}

}  // namespace wasinet::runtime
