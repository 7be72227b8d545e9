// WasmEdge's address buffers (abi/wasmedge_address) and how its two
// versions' calls link beside preview1's (abi/host_modules).
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "abi/host_modules.hh"
#include "abi/wasmedge_address.hh"

namespace wasinet {
namespace {

using wasi::Errno;

TEST(WasmEdgeAddress, RawBuffersFollowTheirLength) {
  const std::vector<uint8_t> v4 = {192, 0, 2, 7};
  auto a = abi::decode_wasmedge_address(v4, 8080);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->to_string(), "192.0.2.7:8080");
  std::vector<uint8_t> v6(16, 0);
  v6[15] = 1;
  a = abi::decode_wasmedge_address(v6, 443);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->to_string(), "[::1]:443");
  EXPECT_EQ(abi::decode_wasmedge_address(std::vector<uint8_t>(8), 1).error(), Errno::inval);
  EXPECT_EQ(abi::decode_wasmedge_address(v4, 65536).error(), Errno::inval);
}

TEST(WasmEdgeAddress, StorageFormIsFamilyFirst) {
  std::array<uint8_t, 128> s{};
  s[0] = abi::kWasmEdgeUnix;
  std::memcpy(s.data() + 2, "/run/app.sock", 13);
  auto a = abi::decode_wasmedge_address(s, 0);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->family, net::Family::unix_);
  EXPECT_EQ(a->path, "/run/app.sock");

  s.fill(0);
  s[0] = abi::kWasmEdgeInet4;
  s[2] = 127;
  s[5] = 1;
  a = abi::decode_wasmedge_address(s, 53);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->to_string(), "127.0.0.1:53");

  s[0] = 9;
  EXPECT_EQ(abi::decode_wasmedge_address(s, 0).error(), Errno::afnosupport);
  s.fill('x');
  s[0] = abi::kWasmEdgeUnix;
  s[1] = 0;
  EXPECT_EQ(abi::decode_wasmedge_address(s, 0).error(), Errno::inval) << "a path with no NUL";
}

TEST(WasmEdgeAddress, EncodingFollowsTheBufferLength) {
  const net::Address v4 = net::Address::ipv4({10, 1, 2, 3}, 80);
  std::array<uint8_t, 4> raw4{};
  ASSERT_EQ(abi::encode_wasmedge_address(v4, raw4), Errno::success);
  EXPECT_EQ(raw4, (std::array<uint8_t, 4>{10, 1, 2, 3}));
  std::array<uint8_t, 16> raw16;
  raw16.fill(0xee);
  ASSERT_EQ(abi::encode_wasmedge_address(v4, raw16), Errno::success);
  EXPECT_EQ(raw16[0], 10);
  EXPECT_EQ(raw16[15], 0) << "the rest is zeroed";

  std::vector<uint8_t> storage(200, 0xee);
  ASSERT_EQ(abi::encode_wasmedge_address(net::Address::unix_path("/s"), storage), Errno::success);
  EXPECT_EQ(storage[0], abi::kWasmEdgeUnix);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(storage.data() + 2)), "/s");
  EXPECT_EQ(storage[128], 0xee) << "only 128 bytes are written";

  const net::Address v6 = net::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 1);
  EXPECT_EQ(abi::encode_wasmedge_address(v6, raw4), Errno::inval);
  std::array<uint8_t, 4> small{};
  EXPECT_EQ(abi::encode_wasmedge_address(net::Address::unix_path("/s"), small), Errno::inval);
}

engine::Import import(std::string name, size_t params) {
  engine::Import i;
  i.module = "wasi_snapshot_preview1";
  i.name = std::move(name);
  i.is_function = true;
  i.params.assign(params, engine::ValType::i32);
  i.results = {engine::ValType::i32};
  return i;
}

// The same name with each version's signature links a different function;
// preview1's sock_accept stays preview1's.
TEST(WasmEdgeLinking, EachSignatureLinksItsVersion) {
  const abi::HostFunctions all = abi::all_host_functions();
  const auto linked = [&](std::string name, size_t params) {
    const std::vector<engine::Import> imports = {import(std::move(name), params)};
    return abi::link_imports(all, imports).at(0);
  };
  EXPECT_NE(linked("sock_accept", 2).callback, linked("sock_accept", 3).callback);
  EXPECT_NE(linked("sock_recv_from", 7).callback, linked("sock_recv_from", 8).callback);
  EXPECT_NE(linked("sock_getlocaladdr", 4).callback, linked("sock_getlocaladdr", 3).callback);
  EXPECT_EQ(linked("sock_getlocaladdr", 3).callback, linked("sock_getlocaladdr_v2", 3).callback);
  EXPECT_EQ(linked("sock_accept_v2", 3).callback, linked("sock_accept", 3).callback);
  try {
    const std::vector<engine::Import> imports = {import("sock_getpeeraddr", 5)};
    abi::link_imports(all, imports);
    FAIL() << "a five-parameter sock_getpeeraddr linked";
  } catch (const abi::ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("sock_getpeeraddr"), std::string::npos) << e.what();
  }
}

// A module that imports nothing of the extension links nothing of it.
TEST(WasmEdgeLinking, OnlyWhatIsImported) {
  const std::vector<engine::Import> imports = {import("fd_close", 1)};
  const abi::HostFunctions linked = abi::link_imports(abi::all_host_functions(), imports);
  ASSERT_EQ(linked.size(), 1u);
  EXPECT_EQ(linked[0].name, "fd_close");
}

}  // namespace
}  // namespace wasinet
