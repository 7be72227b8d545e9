// GuestMemory: every guest pointer and length is checked, including the
// arithmetic at the 4 GiB edge.
#include "abi/guest_memory.hh"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace wasinet::abi {
namespace {

class GuestMemoryTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kSize = 64 * 1024;
  GuestMemoryTest() : bytes_(kSize), mem_(bytes_.data(), bytes_.size()) {}

  void put_iovec(uint32_t at, uint32_t buf, uint32_t len) {
    std::memcpy(bytes_.data() + at, &buf, 4);
    std::memcpy(bytes_.data() + at + 4, &len, 4);
  }

  std::vector<uint8_t> bytes_;
  GuestMemory mem_;
};

TEST_F(GuestMemoryTest, ExactEndIsInside) {
  EXPECT_TRUE(mem_.contains(0, kSize));
  EXPECT_TRUE(mem_.contains(kSize - 1, 1));
  EXPECT_FALSE(mem_.contains(kSize - 1, 2));
  EXPECT_FALSE(mem_.contains(0, kSize + 1));
  auto b = mem_.bytes(kSize - 16, 16);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->data(), bytes_.data() + kSize - 16);
  EXPECT_EQ(b->size(), 16u);
  EXPECT_EQ(mem_.bytes(kSize - 16, 17).error(), Errno::fault);
}

TEST_F(GuestMemoryTest, ZeroLengthAtTheEndIsFineOnePastIsNot) {
  EXPECT_TRUE(mem_.contains(kSize, 0));
  EXPECT_TRUE(mem_.bytes(kSize, 0).ok());
  EXPECT_TRUE(mem_.string(kSize, 0).ok());
  EXPECT_FALSE(mem_.contains(kSize + 1, 0));
  EXPECT_EQ(mem_.bytes(kSize + 1, 0).error(), Errno::fault);
  EXPECT_EQ(mem_.bytes(0xFFFFFFFFu, 0).error(), Errno::fault);
}

TEST_F(GuestMemoryTest, PointerPlusLengthPast4GiBIsFault) {
  EXPECT_EQ(mem_.bytes(0xFFFFFFFFu, 1).error(), Errno::fault);
  EXPECT_EQ(mem_.bytes(0xFFFFFFF0u, 0x20).error(), Errno::fault);
  EXPECT_EQ(mem_.bytes(1, 0xFFFFFFFFu).error(), Errno::fault);
  EXPECT_EQ(mem_.string(0x80000000u, 0x80000000u).error(), Errno::fault);
  // 64-bit lengths (products computed by callers) must not wrap around.
  EXPECT_EQ(mem_.bytes(1, UINT64_MAX).error(), Errno::fault);
  EXPECT_EQ(mem_.bytes(0x10, UINT64_MAX - 0xF).error(), Errno::fault);
  EXPECT_EQ(mem_.bytes(0, uint64_t{1} << 32).error(), Errno::fault);
}

// A full 4 GiB memory (as wasm32 allows), checked without touching it.
TEST(GuestMemoryEdge, Full4GiBMemoryArithmetic) {
  const size_t four_gib = size_t{1} << 32;
  GuestMemory big(nullptr, four_gib);
  EXPECT_TRUE(big.contains(0, four_gib));
  EXPECT_TRUE(big.contains(0xFFFFFFFFu, 1));
  EXPECT_TRUE(big.contains(0xFFFFFFFFu, 0));
  EXPECT_FALSE(big.contains(0xFFFFFFFFu, 2));
  EXPECT_FALSE(big.contains(1, four_gib));
  EXPECT_FALSE(big.contains(0, four_gib + 1));
  EXPECT_FALSE(big.contains(0xFFFFFFFFu, UINT64_MAX));
}

TEST(GuestMemoryEdge, EmptyMemoryHoldsOnlyEmptyRangeAtZero) {
  GuestMemory none;
  EXPECT_TRUE(none.contains(0, 0));
  EXPECT_FALSE(none.contains(0, 1));
  EXPECT_FALSE(none.contains(1, 0));
  EXPECT_EQ(none.load<uint32_t>(0).error(), Errno::fault);
  EXPECT_EQ(none.iovecs(0, 1).error(), Errno::fault);
}

TEST_F(GuestMemoryTest, UnalignedLoadsAndStores) {
  ASSERT_EQ(mem_.store<uint64_t>(1, 0x0102030405060708ull), Errno::success);
  EXPECT_EQ(bytes_[1], 0x08);  // little-endian
  EXPECT_EQ(bytes_[8], 0x01);
  auto v = mem_.load<uint64_t>(1);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 0x0102030405060708ull);
  ASSERT_EQ(mem_.store<uint32_t>(kSize - 5, 0xDEADBEEF), Errno::success);
  EXPECT_EQ(*mem_.load<uint32_t>(kSize - 5), 0xDEADBEEFu);
  ASSERT_EQ(mem_.store<uint16_t>(kSize - 3, 0xBEEF), Errno::success);
  EXPECT_EQ(*mem_.load<uint16_t>(kSize - 3), 0xBEEF);
}

TEST_F(GuestMemoryTest, LoadsAndStoresStopAtTheEnd) {
  EXPECT_TRUE(mem_.load<uint64_t>(kSize - 8).ok());
  EXPECT_EQ(mem_.load<uint64_t>(kSize - 7).error(), Errno::fault);
  EXPECT_EQ(mem_.load<uint32_t>(0xFFFFFFFEu).error(), Errno::fault);
  bytes_[kSize - 1] = 0x5A;
  EXPECT_EQ(mem_.store<uint64_t>(kSize - 7, ~0ull), Errno::fault);
  EXPECT_EQ(bytes_[kSize - 1], 0x5A);  // nothing written on failure
  EXPECT_EQ(mem_.store<uint32_t>(0xFFFFFFFFu, 1), Errno::fault);
}

TEST_F(GuestMemoryTest, IovecsDecode) {
  put_iovec(100, 1000, 10);
  put_iovec(108, kSize - 5, 5);  // ends exactly at the end
  put_iovec(116, kSize, 0);      // empty, at the end
  auto v = mem_.iovecs(100, 3);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 3u);
  EXPECT_EQ((*v)[0].data(), bytes_.data() + 1000);
  EXPECT_EQ((*v)[0].size(), 10u);
  EXPECT_EQ((*v)[1].size(), 5u);
  EXPECT_EQ((*v)[2].size(), 0u);
  EXPECT_TRUE(mem_.iovecs(100, 0).ok());
}

TEST_F(GuestMemoryTest, IovecBuffersOverTheEndAreFault) {
  put_iovec(100, 1000, 10);
  put_iovec(108, kSize - 5, 6);
  EXPECT_EQ(mem_.iovecs(100, 2).error(), Errno::fault);
  put_iovec(108, 0xFFFFFFFFu, 0xFFFFFFFFu);
  EXPECT_EQ(mem_.iovecs(100, 2).error(), Errno::fault);
  put_iovec(108, 0x10, 0xFFFFFFF8u);
  EXPECT_EQ(mem_.iovecs(100, 2).error(), Errno::fault);
}

TEST_F(GuestMemoryTest, IovecArrayOverTheEndIsFault) {
  put_iovec(kSize - 8, 0, 1);
  EXPECT_TRUE(mem_.iovecs(kSize - 8, 1).ok());
  EXPECT_EQ(mem_.iovecs(kSize - 8, 2).error(), Errno::fault);
  EXPECT_EQ(mem_.iovecs(kSize - 4, 1).error(), Errno::fault);
  EXPECT_EQ(mem_.iovecs(0xFFFFFFF8u, 1).error(), Errno::fault);
  EXPECT_EQ(mem_.iovecs(0xFFFFFFFFu, 1024).error(), Errno::fault);
}

TEST_F(GuestMemoryTest, MoreThan1024IovecsIsEinval) {
  // All-zero iovecs are valid empty buffers.
  EXPECT_TRUE(mem_.iovecs(0, 1024).ok());
  EXPECT_EQ(mem_.iovecs(0, 1025).error(), Errno::inval);
  EXPECT_EQ(mem_.iovecs(0, 0xFFFFFFFFu).error(), Errno::inval);
}

TEST_F(GuestMemoryTest, StringBounds) {
  std::memcpy(bytes_.data() + kSize - 3, "abc", 3);
  auto s = mem_.string(kSize - 3, 3);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "abc");
  EXPECT_EQ(mem_.string(kSize - 3, 4).error(), Errno::fault);
}

}  // namespace
}  // namespace wasinet::abi
