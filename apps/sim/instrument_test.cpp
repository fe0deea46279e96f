#include "sim/instrument.hpp"

#include <gtest/gtest.h>

namespace sf::sim {
namespace {

TEST(Instrument, SplitsASymbolAtItsQuoteCurrency) {
  const auto btc = make_instrument("BTCUSDT");
  ASSERT_TRUE(btc);
  EXPECT_EQ(btc->symbol, "BTCUSDT");
  EXPECT_EQ(btc->base, "BTC");
  EXPECT_EQ(btc->quote, "USDT");
  EXPECT_EQ(make_instrument("ETHBTC")->base, "ETH");
  EXPECT_EQ(make_instrument("ETHBTC")->quote, "BTC");
  EXPECT_EQ(make_instrument("BTCFDUSD")->quote, "FDUSD");  // not BTCFD + USD
}

TEST(Instrument, RejectsUnknownQuoteAndBadCharacters) {
  EXPECT_FALSE(make_instrument("BTCXYZ"));
  EXPECT_FALSE(make_instrument("USDT"));
  EXPECT_FALSE(make_instrument("btcusdt"));
  EXPECT_FALSE(make_instrument("BTC-USDT"));
  EXPECT_FALSE(make_instrument(""));
}

}  // namespace
}  // namespace sf::sim
