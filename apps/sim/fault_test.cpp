#include "sim/fault.hpp"

#include <gtest/gtest.h>

namespace sf::sim {
namespace {

std::vector<std::string> problems(const std::map<std::string, std::string>& fields) {
  std::vector<std::string> errors;
  EXPECT_FALSE(parse_fault(fields, "here", errors));
  return errors;
}

TEST(Fault, VenuesAreTheDialectsByName) {
  std::vector<std::string> errors;
  const auto by_target = parse_fault({{"fault", "close"}, {"target", "okx"}}, "here", errors);
  ASSERT_TRUE(by_target);
  EXPECT_EQ(by_target->venue, "okx");
  const auto by_venue =
      parse_fault({{"fault", "close"}, {"venue", "binance-spot"}}, "here", errors);
  ASSERT_TRUE(by_venue);
  EXPECT_EQ(by_venue->venue, "binance-spot");
  EXPECT_TRUE(errors.empty());

  EXPECT_EQ(problems({{"fault", "close"}, {"target", "kraken"}}),
            std::vector<std::string>{"here: target: 'kraken' is neither 'all', a venue "
                                     "(binance-spot, okx) nor a connection id"});
  EXPECT_EQ(
      problems({{"fault", "close"}, {"venue", "OKX"}}),
      std::vector<std::string>{"here: venue: unknown venue 'OKX'; expected binance-spot or okx"});
}

TEST(Fault, BookFaultsApplyOnlyToVenuesWhoseBooksHaveThem) {
  EXPECT_EQ(problems({{"fault", "bad_checksum"}, {"venue", "binance-spot"}}),
            std::vector<std::string>{"here: venue: bad_checksum applies to okx only"});
  std::vector<std::string> errors;
  EXPECT_TRUE(parse_fault({{"fault", "bad_checksum"}, {"venue", "okx"}}, "here", errors));
  EXPECT_TRUE(parse_fault({{"fault", "bad_checksum"}, {"connection", "3"}}, "here",
                          errors));  // its venue's, if any
  EXPECT_TRUE(parse_fault({{"fault", "sequence_reset"}, {"target", "okx"}}, "here", errors));
  EXPECT_TRUE(errors.empty());
  const std::vector<std::string> reset_needs_okx{
      "here: venue: sequence_reset applies to okx only; say venue: okx (or target: okx)"};
  EXPECT_EQ(problems({{"fault", "sequence_reset"}}), reset_needs_okx);
  EXPECT_EQ(problems({{"fault", "sequence_reset"}, {"venue", "binance-spot"}}), reset_needs_okx);
}

}  // namespace
}  // namespace sf::sim
