#include "runtime/limit_values.hh"

#include <cctype>
#include <cmath>
#include <limits>

#include "wasinet/error.hh"

namespace wasinet::runtime {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void bad(std::string_view flag, std::string_view text, std::string_view expected) {
  throw Error(std::string(flag) + " " + (text.empty() ? "\"\"" : std::string(text)) + ": " +
              std::string(expected));
}

// Leading decimal digits as an integer; false on overflow or none.
bool take_digits(std::string_view& s, uint64_t& out) {
  size_t i = 0;
  out = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (out > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    out = out * 10 + d;
    ++i;
  }
  s.remove_prefix(i);
  return i > 0;
}

}  // namespace

uint64_t parse_byte_size(std::string_view flag, std::string_view text) {
  constexpr std::string_view expected =
      "expected a size in bytes, optionally with K, M, G or T (binary multiples): 65536, 512K, 64M, 2G";
  std::string_view s = text;
  uint64_t n = 0;
  if (!take_digits(s, n)) bad(flag, text, expected);
  const std::string unit = lower(s);
  unsigned shift = 0;
  if (!unit.empty() && unit != "b") {
    switch (unit[0]) {
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      case 't': shift = 40; break;
      default: bad(flag, text, expected);
    }
    const std::string_view rest = std::string_view(unit).substr(1);
    if (!rest.empty() && rest != "b" && rest != "ib") bad(flag, text, expected);
  }
  if (n == 0) bad(flag, text, "must be more than 0");
  if (n > (std::numeric_limits<uint64_t>::max() >> shift)) bad(flag, text, "too large");
  return n << shift;
}

std::chrono::milliseconds parse_duration(std::string_view flag, std::string_view text) {
  constexpr std::string_view expected =
      "expected a duration: a number with ms, s, m or h (500ms, 30s, 1.5m, 2h)";
  // The number: digits with at most one decimal point.
  size_t i = 0;
  bool digits = false, point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!digits || i > 20) bad(flag, text, expected);
  const double value = std::stod(std::string(text.substr(0, i)));
  const std::string unit = lower(text.substr(i));
  double ms_per_unit;
  if (unit == "ms")
    ms_per_unit = 1;
  else if (unit.empty() || unit == "s")
    ms_per_unit = 1000;
  else if (unit == "m" || unit == "min")
    ms_per_unit = 60'000;
  else if (unit == "h")
    ms_per_unit = 3'600'000;
  else
    bad(flag, text, expected);
  const double ms = std::round(value * ms_per_unit);
  if (ms < 1) bad(flag, text, "must be at least 1ms");
  if (ms > 1000.0 * 3'600'000) bad(flag, text, "must be at most 1000h");
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

uint64_t parse_count(std::string_view flag, std::string_view text, uint64_t min) {
  std::string_view s = text;
  uint64_t n = 0;
  if (!take_digits(s, n) || !s.empty()) bad(flag, text, "expected a whole number");
  if (n < min) bad(flag, text, "must be at least " + std::to_string(min));
  return n;
}

std::string format_byte_size(uint64_t bytes) {
  static constexpr struct {
    unsigned shift;
    char suffix;
  } units[] = {{40, 'T'}, {30, 'G'}, {20, 'M'}, {10, 'K'}};
  for (const auto& u : units)
    if (bytes != 0 && bytes % (uint64_t{1} << u.shift) == 0)
      return std::to_string(bytes >> u.shift) + u.suffix;
  return std::to_string(bytes);
}

std::string format_duration(std::chrono::milliseconds d) {
  const int64_t ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace wasinet::runtime
