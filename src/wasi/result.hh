#pragma once
// A value or a WASI errno: the return type of every core operation.
#include <cassert>
#include <utility>
#include <variant>

#include "os/host_result.hh"
#include "wasi/errno.hh"

namespace wasinet::wasi {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Errno e) : v_(e) { assert(e != Errno::success); }  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  Errno error() const noexcept { return ok() ? Errno::success : std::get<1>(v_); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Errno> v_;
};

// For operations with nothing to return but success.
using Status = Errno;

// An os/ wrapper's result with its host errno mapped (errno_from_host).
template <class T>
Result<T> from_host(os::HostResult<T> r) {
  if (!r.ok()) return errno_from_host(r.error);
  return std::move(r.value);
}

}  // namespace wasinet::wasi

// Evaluates a Result-returning expression; returns its errno on failure,
// otherwise binds the value to `var`.
#define WASINET_CONCAT_INNER(a, b) a##b
#define WASINET_CONCAT(a, b) WASINET_CONCAT_INNER(a, b)
#define WASINET_TRY(var, expr)                                   \
  auto WASINET_CONCAT(try_result_, __LINE__) = (expr);           \
  if (!WASINET_CONCAT(try_result_, __LINE__).ok())               \
    return WASINET_CONCAT(try_result_, __LINE__).error();        \
  var = std::move(WASINET_CONCAT(try_result_, __LINE__)).value()
// Same for a Status-returning expression.
#define WASINET_CHECK(expr)                                            \
  do {                                                                 \
    if (::wasinet::wasi::Errno e_ = (expr); e_ != ::wasinet::wasi::Errno::success) \
      return e_;                                                       \
  } while (0)
