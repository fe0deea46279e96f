#include "sim/rest_query.hpp"

#include <gtest/gtest.h>

namespace sf::sim {
namespace {

TEST(RestQuery, SplitsPairsAndKeepsEmptyValuesApartFromMissingOnes) {
  const rest_query q("symbol=BTCUSDT&limit=&flag&limit=7");
  ASSERT_TRUE(q.find("symbol"));
  EXPECT_EQ(*q.find("symbol"), "BTCUSDT");
  ASSERT_TRUE(q.find("limit"));
  EXPECT_EQ(*q.find("limit"), "");  // the first of a repeated key wins
  ASSERT_TRUE(q.find("flag"));
  EXPECT_EQ(*q.find("flag"), "");
  EXPECT_EQ(q.find("fromId"), nullptr);
  EXPECT_EQ(rest_query("").find(""), nullptr);
}

TEST(RestQuery, IntegersAreWholeDecimalNumbers) {
  const rest_query q("a=42&b=-3&c=4x&d=&e=99999999999999999999&f=1.5");
  EXPECT_EQ(q.integer("a"), 42);
  EXPECT_EQ(q.integer("b"), -3);
  EXPECT_EQ(q.integer("c"), std::nullopt);
  EXPECT_EQ(q.integer("d"), std::nullopt);
  EXPECT_EQ(q.integer("e"), std::nullopt);  // overflow
  EXPECT_EQ(q.integer("f"), std::nullopt);
  EXPECT_EQ(q.integer("missing"), std::nullopt);
}

TEST(RestQuery, OnlyAPresentNonIntegerIsMalformed) {
  const rest_query q("a=42&c=4x&d=");
  EXPECT_FALSE(q.malformed_integer("a"));
  EXPECT_TRUE(q.malformed_integer("c"));
  EXPECT_FALSE(q.malformed_integer("d"));  // empty: treated as absent
  EXPECT_FALSE(q.malformed_integer("missing"));
}

}  // namespace
}  // namespace sf::sim
