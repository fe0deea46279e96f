// Runs of ASCII digits to integers and back, eight digits at a time.
//
// Read one digit at a time, a number is a chain of multiply-adds each waiting
// for the one before (about four cycles a digit), and every trade frame
// carries some forty digits of ids and timestamps. Eight digits are converted
// at once with three multiplications on a 64-bit word (SWAR), off that chain,
// so a 13-digit timestamp costs about as much as 6 digits did.
//
// Writing has the same shape: one division by 100 after another. Splitting
// the number into eight-digit parts first lets the parts be written at the
// same time, so a 16-digit timestamp waits for four divisions, not eight.
//
// Results are those of std::from_chars and std::to_chars (base 10), which
// these functions replace on hot paths: parsing takes the whole text (leading
// zeros allowed, no sign, nothing else); writing prints no leading zeros.
//
// Thread safety: pure functions.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sf::digits {

// Whether the eight bytes of `chunk` (as loaded from memory) are all '0'..'9'.
inline bool all_digits(std::uint64_t chunk) noexcept {
  return ((chunk & 0xF0F0F0F0F0F0F0F0ULL) |
          (((chunk + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) ==
         0x3333333333333333ULL;
}

// The value of eight digits loaded from memory, first digit in the lowest byte.
inline std::uint32_t eight_digit_value(std::uint64_t chunk) noexcept {
  constexpr std::uint64_t mask = 0x000000FF000000FFULL;
  constexpr std::uint64_t mul1 = 0x000F424000000064ULL;  // 100 + (1000000 << 32)
  constexpr std::uint64_t mul2 = 0x0000271000000001ULL;  // 1 + (10000 << 32)
  chunk -= 0x3030303030303030ULL;
  chunk = (chunk * 10) + (chunk >> 8);  // pairs of digits
  chunk = (((chunk & mask) * mul1) + (((chunk >> 16) & mask) * mul2)) >> 32;
  return static_cast<std::uint32_t>(chunk);
}

// One digit at a time, with overflow checks: texts longer than 19 characters.
inline bool parse_unsigned_checked(std::string_view text, std::uint64_t& out) noexcept {
  std::uint64_t v = 0;
  for (const char c : text) {
    const unsigned d = static_cast<unsigned char>(c) - unsigned{'0'};
    if (d > 9) return false;
    if (__builtin_mul_overflow(v, std::uint64_t{10}, &v) ||
        __builtin_add_overflow(v, std::uint64_t{d}, &v))
      return false;
  }
  out = v;
  return true;
}

// Parses `text` as an unsigned integer. False (and `out` untouched) for an
// empty text, any character other than a digit, or a value above UINT64_MAX.
inline bool parse_unsigned(std::string_view text, std::uint64_t& out) noexcept {
  std::size_t n = text.size();
  // Nineteen digits cannot overflow 64 bits: the common case needs no checks.
  if (n == 0) return false;
  if (n > 19 || std::endian::native != std::endian::little)
    return parse_unsigned_checked(text, out);
  const char* p = text.data();
  std::uint64_t v = 0;
  // The leading n % 8 digits one by one, then whole chunks: each chunk's
  // value is computed independently and joins the chain with one multiply-add.
  for (std::size_t head = n % 8; head > 0; --head, --n, ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - unsigned{'0'};
    if (d > 9) return false;
    v = v * 10 + d;
  }
  for (; n > 0; n -= 8, p += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, p, sizeof chunk);
    if (!all_digits(chunk)) return false;
    v = v * 100'000'000 + eight_digit_value(chunk);
  }
  out = v;
  return true;
}

// ---- reading from padded input -----------------------------------------------
//
// A text followed by at least 16 readable bytes (inside a simdjson document,
// which has 64 bytes of padding) can be read in one 16-byte load: the text's
// digits are moved to the end of the load, the bytes before them filled with
// '0', and all sixteen converted at once. No loop, and no branch that depends
// on the text's length, which varies from frame to frame.

__extension__ typedef unsigned __int128 u128;  // GCC and Clang both have it

inline constexpr u128 zero_chars = (u128{0x3030303030303030ULL} << 64) | 0x3030303030303030ULL;

inline u128 load16(const char* p) noexcept {
  u128 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The first `n` (1..16) bytes of `v` as the last n of sixteen digits.
inline u128 right_aligned(u128 v, std::size_t n) noexcept {
  const unsigned shift = 8 * static_cast<unsigned>(16 - n);
  return shift == 0 ? v : (v << shift) | (zero_chars >> (128 - shift));
}

// The value of sixteen digits (first digit in the lowest byte); false when
// any byte is not a digit.
inline bool sixteen_digit_value(u128 v, std::uint64_t& out) noexcept {
  const auto high_digits = static_cast<std::uint64_t>(v);
  const auto low_digits = static_cast<std::uint64_t>(v >> 64);
  if (!(all_digits(high_digits) & all_digits(low_digits))) return false;
  out = std::uint64_t{eight_digit_value(high_digits)} * 100'000'000 + eight_digit_value(low_digits);
  return true;
}

// parse_unsigned, for a text followed by at least 16 readable bytes.
inline bool parse_unsigned_padded(std::string_view text, std::uint64_t& out) noexcept {
  const std::size_t n = text.size();
  if (n == 0 || n > 16 || std::endian::native != std::endian::little)
    return parse_unsigned(text, out);
  return sixteen_digit_value(right_aligned(load16(text.data()), n), out);
}

// A plain decimal ("43000.12000000", "-0.5", "7", ".5", "5.") of at most 16
// characters after its sign, followed by at least 16 readable bytes: its
// digits as an integer and the count after the point. False when the text is
// not that; the caller then asks the general parser (decimal::parse), which
// also decides what is an error. At most 15 digits here, so the integer fits.
inline bool parse_decimal_padded(std::string_view text, std::int64_t& mantissa, unsigned& scale) noexcept {
  if (std::endian::native != std::endian::little || text.empty()) return false;
  const bool negative = text[0] == '-';
  if (negative || text[0] == '+') text.remove_prefix(1);
  const std::size_t n = text.size();
  if (n == 0 || n > 16) return false;
  const u128 v = load16(text.data());
  // Bytes equal to '.' among the first n (exact per byte: no carries between them).
  constexpr u128 low7 = (u128{0x7F7F7F7F7F7F7F7FULL} << 64) | 0x7F7F7F7F7F7F7F7FULL;
  constexpr u128 dots = (u128{0x2E2E2E2E2E2E2E2EULL} << 64) | 0x2E2E2E2E2E2E2E2EULL;
  const u128 x = v ^ dots;
  const u128 first_n = n == 16 ? ~u128{0} : (u128{1} << (8 * n)) - 1;
  const u128 dot_bytes = ~(((x & low7) + low7) | x | low7) & first_n;
  if (dot_bytes == 0) {
    std::uint64_t value;
    if (!sixteen_digit_value(right_aligned(v, n), value)) return false;
    mantissa = negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
    scale = 0;
    return true;
  }
  if (n == 1) return false;  // a lone point
  const auto low_half = static_cast<std::uint64_t>(dot_bytes);
  const unsigned dot = low_half != 0 ? static_cast<unsigned>(std::countr_zero(low_half)) / 8
                                     : 8 + static_cast<unsigned>(std::countr_zero(static_cast<std::uint64_t>(dot_bytes >> 64))) / 8;
  // The point taken out: the bytes after it move down one. A second point
  // stays among the digits and fails the digit check.
  const u128 before = (u128{1} << (8 * dot)) - 1;
  const u128 digits_only = (v & before) | ((v >> 8) & ~before);
  std::uint64_t value;
  if (!sixteen_digit_value(right_aligned(digits_only, n - 1), value)) return false;
  mantissa = negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
  scale = static_cast<unsigned>(n - 1 - dot);
  return true;
}

// ---- writing ----------------------------------------------------------------

// "00" "01" ... "99".
inline constexpr auto digit_pairs = [] {
  std::array<char, 200> t{};
  for (int i = 0; i < 100; ++i) {
    t[static_cast<std::size_t>(2 * i)] = static_cast<char>('0' + i / 10);
    t[static_cast<std::size_t>(2 * i + 1)] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

inline void write_pair(char* out, std::uint32_t v) noexcept {
  std::memcpy(out, digit_pairs.data() + 2 * v, 2);
}

// Exactly eight digits (leading zeros kept): two independent halves.
inline void write_eight(char* out, std::uint32_t v) noexcept {
  const std::uint32_t high = v / 10000, low = v % 10000;
  write_pair(out, high / 100);
  write_pair(out + 2, high % 100);
  write_pair(out + 4, low / 100);
  write_pair(out + 6, low % 100);
}

// `v` < 10^8 without leading zeros; returns the end.
inline char* write_up_to_eight(char* out, std::uint32_t v) noexcept {
  const int n = v < 10         ? 1
                : v < 100      ? 2
                : v < 1000     ? 3
                : v < 10000    ? 4
                : v < 100000   ? 5
                : v < 1000000  ? 6
                : v < 10000000 ? 7
                               : 8;
  char* const end = out + n;
  char* p = end;
  while (v >= 100) {
    p -= 2;
    write_pair(p, v % 100);
    v /= 100;
  }
  if (v >= 10) {
    write_pair(p - 2, v);
  } else {
    p[-1] = static_cast<char>('0' + v);
  }
  return end;
}

// Writes `v` in decimal (at most 20 characters); returns the end.
inline char* write_unsigned(char* out, std::uint64_t v) noexcept {
  constexpr std::uint64_t e8 = 100'000'000, e16 = e8 * e8;
  if (v < e8) return write_up_to_eight(out, static_cast<std::uint32_t>(v));
  if (v < e16) {
    out = write_up_to_eight(out, static_cast<std::uint32_t>(v / e8));
    write_eight(out, static_cast<std::uint32_t>(v % e8));
    return out + 8;
  }
  const std::uint64_t rest = v % e16;
  out = write_up_to_eight(out, static_cast<std::uint32_t>(v / e16));
  write_eight(out, static_cast<std::uint32_t>(rest / e8));
  write_eight(out + 8, static_cast<std::uint32_t>(rest % e8));
  return out + 16;
}

// Writes `v` < 10^n as exactly `n` digits, leading zeros included (n <= 19).
inline void write_exactly(char* out, std::uint64_t v, unsigned n) noexcept {
  constexpr std::uint64_t e8 = 100'000'000;
  char* p = out + n;
  for (; n >= 8; n -= 8) {
    p -= 8;
    write_eight(p, static_cast<std::uint32_t>(v % e8));
    v /= e8;
  }
  for (; n >= 2; n -= 2) {
    p -= 2;
    write_pair(p, static_cast<std::uint32_t>(v % 100));
    v /= 100;
  }
  if (n == 1) p[-1] = static_cast<char>('0' + v);
}

// Writes `v` in decimal (at most 20 characters); returns the end.
inline char* write_signed(char* out, std::int64_t v) noexcept {
  if (v >= 0) return write_unsigned(out, static_cast<std::uint64_t>(v));
  *out = '-';
  return write_unsigned(out + 1, 0 - static_cast<std::uint64_t>(v));
}

}  // namespace sf::digits
