#include "core/digits.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <optional>
#include <random>
#include <string>

#include "steadyfeed/core/decimal.hpp"

namespace sf {
namespace {

// What std::from_chars says about the whole text: the reference.
std::optional<std::uint64_t> reference(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

void expect_same_as_from_chars(std::string_view text) {
  std::uint64_t got = 12345;
  const bool ok = digits::parse_unsigned(text, got);
  const auto want = reference(text);
  ASSERT_EQ(ok, want.has_value()) << '"' << text << '"';
  if (ok) {
    EXPECT_EQ(got, *want) << '"' << text << '"';
  } else {
    EXPECT_EQ(got, 12345u) << "failure leaves the output alone: " << text;
  }
}

TEST(Digits, AgreesWithFromCharsOnEdgeCases) {
  for (const char* text : {"",
                           "0",
                           "7",
                           "00",
                           "12345678",
                           "123456789",
                           "1700000000123",
                           "100000000000",
                           "9999999999999999999",
                           "18446744073709551615",
                           "18446744073709551616",
                           "99999999999999999999",
                           "000000000000000000000042",
                           "-1",
                           "+1",
                           "1-",
                           " 1",
                           "1 ",
                           "12345678x",
                           "x12345678",
                           "1234567:",
                           "123456789012/",
                           "0x10",
                           "1.5",
                           "１"})
    expect_same_as_from_chars(text);
}

TEST(Digits, AgreesWithFromCharsOnEveryLengthAndBadCharacterPlace) {
  std::mt19937_64 gen(7);
  for (std::size_t len = 1; len <= 22; ++len) {
    for (int round = 0; round < 200; ++round) {
      std::string text;
      for (std::size_t i = 0; i < len; ++i) text += static_cast<char>('0' + gen() % 10);
      expect_same_as_from_chars(text);
      // One character out of range, in every position and of every kind that
      // sits next to the digits in ASCII.
      std::string bad = text;
      bad[gen() % len] = "/:;@ -+.eE\x80\xff"[gen() % 13];
      expect_same_as_from_chars(bad);
    }
  }
}

// `text` followed by 16 bytes of `fill`: what a padded document offers.
std::string padded(std::string_view text, char fill) {
  return std::string(text) + std::string(16, fill);
}

TEST(Digits, PaddedUnsignedAgreesWithFromCharsWhateverThePadding) {
  std::mt19937_64 gen(11);
  for (std::size_t len = 0; len <= 22; ++len) {
    for (int round = 0; round < 300; ++round) {
      std::string text;
      for (std::size_t i = 0; i < len; ++i) text += static_cast<char>('0' + gen() % 10);
      if (len > 0 && round % 2 == 1) text[gen() % len] = "/:;@ -+.eE\x80\xff"[gen() % 13];
      for (const char fill : {'\0', '7', '"', '\xff'}) {
        const std::string buffer = padded(text, fill);
        std::uint64_t got = 12345;
        const bool ok = digits::parse_unsigned_padded(std::string_view(buffer.data(), len), got);
        const auto want = reference(text);
        ASSERT_EQ(ok, want.has_value()) << '"' << text << '"';
        if (ok) {
          ASSERT_EQ(got, *want) << '"' << text << '"';
        }
      }
    }
  }
}

// The padded decimal reader either declines or agrees with decimal::parse.
void expect_padded_decimal_agrees(std::string_view text, char fill, bool must_read) {
  const std::string buffer = padded(text, fill);
  std::int64_t mantissa = 0;
  unsigned scale = 0;
  const bool read = digits::parse_decimal_padded(std::string_view(buffer.data(), text.size()), mantissa, scale);
  const auto want = decimal::parse(text);
  if (must_read) {
    ASSERT_TRUE(read) << '"' << text << '"';
  }
  if (!read) return;
  ASSERT_TRUE(want.has_value()) << "read what decimal::parse rejects: \"" << text << '"';
  EXPECT_EQ(mantissa, want->mantissa()) << '"' << text << '"';
  EXPECT_EQ(scale, want->scale()) << '"' << text << '"';
}

TEST(Digits, PaddedDecimalsAgreeWithDecimalParse) {
  for (const char* text : {"43000.12000000", "0.00100000", "-0.5", "+7.25", "5.", ".5", "00012.340",
                           "999999999999999", "99999999999999.9", "123456789012345", "-0", "7", "+3"})
    for (const char fill : {'\0', '9', '.', '\xff'}) expect_padded_decimal_agrees(text, fill, true);
  // Declined, or refused: whatever decimal::parse says decides.
  for (const char* text : {"", "-", ".", "-.", "1..2", "1.2.3", "1e-3", " 1", "1 ", "12345678901234567", "0x10",
                           "1,5", "--1", "+-1", "9.9.", "..", "1234567890123456.7"})
    for (const char fill : {'\0', '9', '.'}) expect_padded_decimal_agrees(text, fill, false);
  std::mt19937_64 gen(13);
  for (int round = 0; round < 200000; ++round) {
    std::string text;
    const std::size_t len = gen() % 20;
    for (std::size_t i = 0; i < len; ++i) {
      const auto r = gen() % 100;
      text += r < 85 ? static_cast<char>('0' + r % 10) : r < 93 ? '.' : "-+ e\"x"[r % 6];
    }
    expect_padded_decimal_agrees(text, "\0.9\xff"[gen() % 4], false);
  }
}

std::string written(std::uint64_t v) {
  char buf[24];
  return std::string(buf, digits::write_unsigned(buf, v));
}
std::string written_signed(std::int64_t v) {
  char buf[24];
  return std::string(buf, digits::write_signed(buf, v));
}
template <typename Int>
std::string to_chars_text(Int v) {
  char buf[24];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

TEST(Digits, WritesLikeToCharsAtEveryLength) {
  // Every power of ten and its neighbours: where lengths and eight-digit parts change.
  std::uint64_t p = 1;
  for (int i = 0; i < 20; ++i, p *= 10) {
    for (std::uint64_t v : {p - 1, p, p + 1, 2 * p - 1}) EXPECT_EQ(written(v), to_chars_text(v));
  }
  EXPECT_EQ(written(0), "0");
  EXPECT_EQ(written(UINT64_MAX), "18446744073709551615");
  EXPECT_EQ(written_signed(INT64_MIN), "-9223372036854775808");
  EXPECT_EQ(written_signed(INT64_MAX), "9223372036854775807");
  EXPECT_EQ(written_signed(-1), "-1");
  std::mt19937_64 gen(3);
  for (int round = 0; round < 100'000; ++round) {
    const std::uint64_t v = gen() >> (gen() % 64);
    ASSERT_EQ(written(v), to_chars_text(v));
    const auto s = static_cast<std::int64_t>(gen()) >> (gen() % 64);
    ASSERT_EQ(written_signed(s), to_chars_text(s));
  }
}

TEST(Digits, WritesExactlyTheDigitsAsked) {
  char buf[24];
  for (unsigned n = 1; n <= 19; ++n) {
    std::uint64_t limit = 1;
    for (unsigned i = 0; i < n; ++i) limit *= 10;
    for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{7}, limit / 10, limit - 1, limit / 3}) {
      digits::write_exactly(buf, v, n);
      std::string want = to_chars_text(v);
      want.insert(want.begin(), n - want.size(), '0');
      EXPECT_EQ(std::string(buf, n), want) << v << " in " << n;
    }
  }
}

}  // namespace
}  // namespace sf
