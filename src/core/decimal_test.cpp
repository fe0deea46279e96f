#include "steadyfeed/core/decimal.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sf
