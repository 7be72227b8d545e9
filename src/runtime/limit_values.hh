#pragma once
// The values of the limit flags (--max-memory 64M, --timeout 30s, --max-fds
// 4096), read and written the way a person types them. Parsers throw
// wasinet::Error with one line naming the flag, the value and what was
// expected; `flag` is the name to show ("--timeout").
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace wasinet::runtime {

// Bytes, optionally with a binary suffix: 65536, 512K, 64M, 2G, 1T
// (case-insensitive; "64MiB" and "64MB" mean the same 64 × 2^20). More than 0.
uint64_t parse_byte_size(std::string_view flag, std::string_view text);

// A wall time: a number with a unit, ms, s, m or h (500ms, 30s, 1.5m, 2h);
// a bare number is seconds, as for timeout(1). More than 0, at most 1000 h.
std::chrono::milliseconds parse_duration(std::string_view flag, std::string_view text);

// A count: digits only, at least `min`.
uint64_t parse_count(std::string_view flag, std::string_view text, uint64_t min);

// The shortest exact form of each: "64M", "65536", "30s", "1500ms".
std::string format_byte_size(uint64_t bytes);
std::string format_duration(std::chrono::milliseconds d);

}  // namespace wasinet::runtime
