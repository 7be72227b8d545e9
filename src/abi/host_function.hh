#pragma once
// Binds a typed C++ function to the engine's raw calling convention.
//
// An adapter is written as
//     Errno fd_close(Call& call, uint32_t fd);
// and registered with bind<&fd_close>("wasi_snapshot_preview1", "fd_close").
// Parameter types choose the wasm types (32-bit → i32, 64-bit → i64); an
// Errno result becomes an i32, and an engine::HostReturn passes through (for
// proc_exit and traps).
#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "abi/guest_memory.hh"
#include "engine/engine.hh"
#include "wasi/context.hh"

namespace wasinet::abi {

// What every adapter receives: the instance's state and its memory.
struct Call {
  wasi::Context& ctx;
  const GuestMemory& memory;
};

namespace detail {

template <class T>
constexpr engine::ValType val_type() {
  static_assert(std::is_integral_v<T> && (sizeof(T) == 4 || sizeof(T) == 8),
                "adapter parameters are 32- or 64-bit integers");
  return sizeof(T) == 4 ? engine::ValType::i32 : engine::ValType::i64;
}

template <class T>
engine::HostReturn to_return(T r) {
  if constexpr (std::is_same_v<T, engine::HostReturn>) {
    return r;
  } else if constexpr (std::is_same_v<T, wasi::Errno>) {
    return {static_cast<uint64_t>(static_cast<uint16_t>(r))};
  } else {
    static_assert(std::is_integral_v<T>);
    return {static_cast<uint64_t>(r)};
  }
}

template <class R, class... Args>
struct Signature {
  static std::vector<engine::ValType> params() { return {val_type<Args>()...}; }
  static std::vector<engine::ValType> results() {
    if constexpr (std::is_same_v<R, engine::HostReturn>)
      return {};  // proc_exit-style: never returns a value
    else
      return {val_type<std::conditional_t<std::is_same_v<R, wasi::Errno>, uint32_t, R>>()};
  }
};

template <auto Fn>
struct Binder;

template <class R, class... Args, R (*Fn)(Call&, Args...)>
struct Binder<Fn> {
  using Sig = Signature<R, Args...>;

  static engine::HostReturn invoke(void* host, std::span<uint8_t> bytes, const uint64_t* raw) {
    const GuestMemory memory(bytes.data(), bytes.size());
    Call call{*static_cast<wasi::Context*>(host), memory};
    return call_with(call, raw, std::index_sequence_for<Args...>{});
  }

  template <size_t... I>
  static engine::HostReturn call_with(Call& call, const uint64_t* raw, std::index_sequence<I...>) {
    return to_return(Fn(call, static_cast<Args>(raw[I])...));
  }
};

}  // namespace detail

template <auto Fn>
engine::HostFunction bind(std::string module, std::string name) {
  using B = detail::Binder<Fn>;
  return {std::move(module), std::move(name), B::Sig::params(), B::Sig::results(), &B::invoke};
}

}  // namespace wasinet::abi
