#include "sim/instrument.hpp"

#include <gtest/gtest.h>

namespace sf::sim {
namespace {

TEST(Instrument, MapsOneSymbolToEachVenuesForm) {
  const auto btc = make_instrument("BTCUSDT");
  ASSERT_TRUE(btc);
  EXPECT_EQ(btc->base, "BTC");
  EXPECT_EQ(btc->quote, "USDT");
  EXPECT_EQ(btc->binance_symbol(), "BTCUSDT");
  EXPECT_EQ(btc->binance_stream_symbol(), "btcusdt");
  EXPECT_EQ(btc->okx_inst_id(), "BTC-USDT");
  EXPECT_EQ(make_instrument("ETHBTC")->okx_inst_id(), "ETH-BTC");
  EXPECT_EQ(make_instrument("BTCFDUSD")->okx_inst_id(), "BTC-FDUSD");
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
