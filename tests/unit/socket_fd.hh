#pragma once
// For tests that drive the networking core directly: the SocketFd an
// adapter would look up (net::socket_of) for a guest fd that must hold a
// socket. A failed lookup fails the test (by an exception gtest reports).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "net/socket_calls.hh"

namespace wasinet::net {

inline SocketFd sock(wasi::Context& ctx, wasi::Fd fd) {
  wasi::Result<SocketFd> s = socket_of(ctx, fd);
  if (!s.ok())
    throw std::runtime_error("fd " + std::to_string(fd) + " holds no socket: " +
                             std::string(wasi::errno_name(s.error())));
  return std::move(s.value());
}

}  // namespace wasinet::net
