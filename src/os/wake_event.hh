#pragma once
// An eventfd that ends every blocking wait of one guest: poll_oneoff and the
// socket calls that block put it in their wait set. The runtime fires it on
// SIGINT/SIGTERM or when the guest's time limit expires; once fired it stays
// readable, so every later wait ends at once too (the guest is being stopped).
#include "os/unique_fd.hh"

namespace wasinet::os {

class WakeEvent {
 public:
  // Throws wasinet::Error when the kernel cannot create the eventfd.
  WakeEvent();

  int fd() const noexcept { return fd_.get(); }
  // Async-signal-safe: one write(2).
  void fire() const noexcept;
  bool fired() const noexcept;
  // Reads the event back to unfired (for an event that is handled and
  // waited on again, unlike the wake event, which stays fired).
  void reset() const noexcept;

 private:
  UniqueFd fd_;
};

}  // namespace wasinet::os
