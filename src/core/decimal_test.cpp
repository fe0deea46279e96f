#include "steadyfeed/core/decimal.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace sf {
namespace {

TEST(Decimal, KeepsTheVenueSpellingExactly) {
  for (const char* text : {"0.00100000", "43000.10", "100", "0", "0.0", "-1.5", "8476.98",
                           "0.000000000000000001", "999999999999999999", "29430.3"}) {
    auto d = decimal::parse(text);
    ASSERT_TRUE(d) << text;
    EXPECT_EQ(d->to_string(), text);
  }
  EXPECT_EQ(decimal::parse("+2.50")->to_string(), "2.50");
}

TEST(Decimal, RejectsWhatIsNotAPlainDecimal) {
  for (const char* text : {"", "-", ".", "1.2.3", "1e-3", "abc", "12a", " 1", "1 ",
                           "1234567890123456789", "0.0000000000000000001"})
    EXPECT_FALSE(decimal::parse(text)) << text;
}

TEST(Decimal, ComparesNumericallyAcrossScales) {
  EXPECT_EQ(*decimal::parse("8477"), *decimal::parse("8477.000"));
  EXPECT_LT(*decimal::parse("8476.98"), *decimal::parse("8477"));
  EXPECT_GT(*decimal::parse("0.1"), *decimal::parse("0.09999999"));
  EXPECT_LT(*decimal::parse("-2"), *decimal::parse("1"));
  EXPECT_EQ(*decimal::parse("99999999999999999"), *decimal::parse("99999999999999999.0"));
  EXPECT_LT(*decimal::parse("0.999999999999999999"), *decimal::parse("1"));
}

TEST(Decimal, NormalizesAndRescales) {
  EXPECT_EQ(decimal::parse("4.00000000")->normalized().to_string(), "4");
  EXPECT_EQ(decimal::parse("0.000")->normalized().to_string(), "0");
  EXPECT_EQ(decimal::parse("4.0")->rescaled(8)->to_string(), "4.00000000");
  EXPECT_EQ(decimal::parse("4.10")->rescaled(1)->to_string(), "4.1");
  EXPECT_FALSE(decimal::parse("4.15")->rescaled(1));
  EXPECT_FALSE(decimal::parse("999999999999999999")->rescaled(2));
}

TEST(Decimal, ToDoubleIsForDisplay) {
  EXPECT_DOUBLE_EQ(decimal::parse("43000.10")->to_double(), 43000.1);
}

// The rules parse() implements, one character at a time: a sign, digits with
// at most one point, at least one digit, at most 18 significant digits (leading
// zeros do not count) and at most 18 after the point.
std::optional<decimal> reference_parse(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
  }
  std::int64_t mantissa = 0;
  int digits = 0, scale = 0;
  bool seen_point = false, seen_digit = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (seen_point) return std::nullopt;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    seen_digit = true;
    if (seen_point) ++scale;
    if (mantissa == 0 && c == '0') {
      if (scale > 18) return std::nullopt;
      continue;
    }
    if (++digits > 18 || scale > 18) return std::nullopt;
    mantissa = mantissa * 10 + (c - '0');
  }
  if (!seen_digit) return std::nullopt;
  return decimal(negative ? -mantissa : mantissa, static_cast<std::uint8_t>(scale));
}

TEST(Decimal, ParsesLikeTheCharacterByCharacterRules) {
  std::mt19937_64 gen(11);
  const std::string alphabet = "0000000123456789..-+e ";
  for (int round = 0; round < 200'000; ++round) {
    std::string text;
    const std::size_t len = gen() % 26;
    for (std::size_t i = 0; i < len; ++i) text += alphabet[gen() % alphabet.size()];
    const auto want = reference_parse(text);
    const auto got = decimal::parse(text);
    ASSERT_EQ(got.has_value(), want.has_value()) << '"' << text << '"';
    if (got) {
      EXPECT_EQ(got->mantissa(), want->mantissa()) << text;
      EXPECT_EQ(got->scale(), want->scale()) << text;
    }
  }
  // Lengths around the limits, with and without leading zeros.
  for (const char* text :
       {"123456789012345678", "1234567890123456789", "0.123456789012345678",
        "0.1234567890123456789", "000000000000000000000001.5", "0.000000000000000001",
        "0.0000000000000000010", "99999999999999999.9", "999999999999999999.9",
        "18446744073709551616", "-0", "+0.", ".5", "5.", ".", "+", "-.", "1..2"}) {
    const auto want = reference_parse(text);
    const auto got = decimal::parse(text);
    ASSERT_EQ(got.has_value(), want.has_value()) << '"' << text << '"';
    if (got) {
      EXPECT_EQ(got->to_string(), want->to_string()) << text;
    }
  }
}

// decimal::write's output, digit by digit: the mantissa's digits with the point
// `scale` from the right and at least one digit before it.
std::string reference_text(std::int64_t mantissa, std::uint8_t scale) {
  const std::string magnitude =
      std::to_string(mantissa < 0 ? 0 - static_cast<std::uint64_t>(mantissa)
                                  : static_cast<std::uint64_t>(mantissa));
  std::string digits(magnitude.size() <= scale ? scale + 1 - magnitude.size() : 0, '0');
  digits.append(magnitude);
  std::string out;
  if (mantissa < 0) out.push_back('-');
  out.append(digits, 0, digits.size() - scale);
  if (scale > 0) {
    out.push_back('.');
    out.append(digits, digits.size() - scale, scale);
  }
  return out;
}

TEST(Decimal, WritesEveryMantissaAndScale) {
  std::mt19937_64 gen(5);
  for (int round = 0; round < 100'000; ++round) {
    // Mantissas of every length, both signs, and the extremes.
    std::int64_t m = static_cast<std::int64_t>(gen() >> (gen() % 64));
    if (round % 3 == 0) m = -m;
    if (round == 0) m = INT64_MIN;
    if (round == 1) m = INT64_MAX;
    if (round == 2) m = 0;
    const auto scale = static_cast<std::uint8_t>(gen() % 19);
    const decimal d(m, scale);
    EXPECT_EQ(d.to_string(), reference_text(m, scale)) << m << " scale " << int{scale};
  }
}

}  // namespace
}  // namespace sf
