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

// The padded readers' instructions (SSSE3 shuffles, SSE4.1 extracts).
#if defined(__SSSE3__) && defined(__SSE4_1__)
#define SF_DIGITS_SSE 1
#include <immintrin.h>
#else
#define SF_DIGITS_SSE 0
#endif

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
// which has 64 bytes of padding) can be read with one 16-byte load. One byte
// shuffle then drops the decimal point and moves the digits to the end of
// sixteen, zeros before them, and three multiply-adds turn them into a number
// (SSSE3/SSE4.1). No loop, and no branch on the text's length or the point's
// place, which vary from frame to frame and would be mispredicted. Where the
// instructions are missing these readers decline and the general ones run.

// Up to 16 bytes at `p`, at most 16 of them digits and at most one a point at
// `point` (16: none), as an integer: `count` bytes from p, the point among
// them. False when any of the other bytes is not a digit.
inline bool sixteen_digits_padded(const char* p, unsigned count, unsigned point,
                                  std::uint64_t& out) noexcept {
#if SF_DIGITS_SSE
  const __m128i text = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i values = _mm_sub_epi8(text, _mm_set1_epi8('0'));
  // Output byte j takes text byte j - (16 - digits), one further on from the
  // point on; negative indexes (before the digits) select zero.
  const int digit_count = static_cast<int>(count) - (point < count ? 1 : 0);
  const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m128i index = _mm_add_epi8(iota, _mm_set1_epi8(static_cast<char>(digit_count - 16)));
  index = _mm_sub_epi8(index, _mm_cmpgt_epi8(index, _mm_set1_epi8(static_cast<char>(static_cast<int>(point) - 1))));
  const __m128i d = _mm_shuffle_epi8(values, index);
  // Every byte 0..9 (a second point or any other character is not).
  if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(d, _mm_set1_epi8(9)), _mm_set1_epi8(9))) != 0xFFFF)
    return false;
  const __m128i pairs = _mm_maddubs_epi16(d, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
  const __m128i fours = _mm_madd_epi16(pairs, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
  const __m128i packed = _mm_packus_epi32(fours, fours);
  const __m128i eights = _mm_madd_epi16(packed, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
  out = static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_cvtsi128_si32(eights))) * 100'000'000 +
        static_cast<std::uint32_t>(_mm_extract_epi32(eights, 1));
  return true;
#else
  (void)p, (void)count, (void)point, (void)out;
  return false;
#endif
}

inline constexpr bool has_padded_readers = SF_DIGITS_SSE;

// parse_unsigned, for a text followed by at least 16 readable bytes.
inline bool parse_unsigned_padded(std::string_view text, std::uint64_t& out) noexcept {
  const std::size_t n = text.size();
  if (!has_padded_readers || n == 0 || n > 16) return parse_unsigned(text, out);
  return sixteen_digits_padded(text.data(), static_cast<unsigned>(n), 16, out);
}

// A plain decimal ("43000.12000000", "-0.5", "7", ".5", "5.") of at most 16
// characters after its sign, followed by at least 16 readable bytes: its
// digits as an integer and the count after the point. False when the text is
// not that; the caller then asks the general parser (decimal::parse), which
// also decides what is an error. At most 16 digits, so the integer fits.
inline bool parse_decimal_padded(std::string_view text, std::int64_t& mantissa, unsigned& scale) noexcept {
  if (!has_padded_readers || text.empty()) return false;
  const bool negative = text[0] == '-';
  if (negative || text[0] == '+') text.remove_prefix(1);
  const std::size_t n = text.size();
  if (n == 0 || n > 16) return false;
  // The first point among the text's bytes, or 16.
  unsigned point = 16;
#if SF_DIGITS_SSE
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data()));
  const auto points = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('.')))) &
                      ((1u << n) - 1);
  if (points != 0) point = static_cast<unsigned>(std::countr_zero(points));
#endif
  if (point < 16 && n == 1) return false;  // a lone point
  std::uint64_t value;
  if (!sixteen_digits_padded(text.data(), static_cast<unsigned>(n), point, value)) return false;
  mantissa = negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
  scale = point < 16 ? static_cast<unsigned>(n - 1 - point) : 0;
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
