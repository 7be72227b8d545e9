#pragma once
// The C API's per-thread last error (wasinet_last_error) and the guard every
// C entry point runs its body in: no C++ exception crosses the C boundary;
// each becomes a wasinet_status_t and one line for wasinet_last_error().
#include <string>
#include <utility>

#include "wasinet/wasinet.h"

namespace wasinet::capi {

// Records `message` as this thread's last error and returns `status`.
wasinet_status_t fail(wasinet_status_t status, std::string message) noexcept;

// Runs `body` (which returns nothing or throws): wasinet::Error becomes
// `on_error` with its message, std::bad_alloc WASINET_ERROR_INTERNAL
// ("out of memory"), anything else WASINET_ERROR_INTERNAL with what() and a
// note that it is a bug.
template <typename Body>
wasinet_status_t guard(wasinet_status_t on_error, Body&& body) noexcept;

// The non-template part of guard(): classifies the exception in flight.
wasinet_status_t fail_from_current_exception(wasinet_status_t on_error) noexcept;

template <typename Body>
wasinet_status_t guard(wasinet_status_t on_error, Body&& body) noexcept {
  try {
    std::forward<Body>(body)();
    return WASINET_OK;
  } catch (...) {
    return fail_from_current_exception(on_error);
  }
}

}  // namespace wasinet::capi
