#include "sim/decimal.hpp"

#include <gtest/gtest.h>

namespace sf::sim {
namespace {

TEST(Decimal, FixedEightPadsLikeBinance) {
  EXPECT_EQ(format_decimal(400000000, number_style::fixed8), "4.00000000");
  EXPECT_EQ(format_decimal(4300010000000, number_style::fixed8), "43000.10000000");
  EXPECT_EQ(format_decimal(1, number_style::fixed8), "0.00000001");
  EXPECT_EQ(format_decimal(0, number_style::fixed8), "0.00000000");
}

TEST(Decimal, TrimmedIsShortestLikeOkx) {
  EXPECT_EQ(format_decimal(336600000000, number_style::trimmed), "3366");
  EXPECT_EQ(format_decimal(336610000000, number_style::trimmed), "3366.1");
  EXPECT_EQ(format_decimal(12060306, number_style::trimmed), "0.12060306");
  EXPECT_EQ(format_decimal(0, number_style::trimmed), "0");
  EXPECT_EQ(format_decimal(-150000000, number_style::trimmed), "-1.5");
}

TEST(Decimal, ParseRoundTripsAndRejectsJunk) {
  EXPECT_EQ(parse_decimal("42219.9"), 4221990000000);
  EXPECT_EQ(parse_decimal("0.00000001"), 1);
  EXPECT_EQ(parse_decimal("415"), 41500000000);
  EXPECT_FALSE(parse_decimal(""));
  EXPECT_FALSE(parse_decimal("1."));
  EXPECT_FALSE(parse_decimal(".5"));
  EXPECT_FALSE(parse_decimal("1e5"));
  EXPECT_FALSE(parse_decimal("-1"));
  EXPECT_FALSE(parse_decimal("0.000000001"));
  EXPECT_FALSE(parse_decimal("999999999999999"));
  for (const std::int64_t v : {0LL, 1LL, 123456789LL, 4300010000000LL})
    EXPECT_EQ(parse_decimal(format_decimal(v, number_style::trimmed)), v);
}

}  // namespace
}  // namespace sf::sim
