#include "steadyfeed/venue/symbol_spelling.hpp"

#include <gtest/gtest.h>

#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf {
namespace {

std::string spelt(std::string_view venue, std::string_view text) {
  const auto r = make_venue_adapter(venue)->spell_symbol(text);
  return r.ok() ? r.symbol : "refused: " + r.problem;
}

TEST(SymbolSpelling, BinanceTakesEveryCommonSpellingOfAMarket) {
  EXPECT_EQ(spelt("binance-spot", "BTCUSDT"), "BTCUSDT");
  EXPECT_EQ(spelt("binance-spot", "btcusdt"), "BTCUSDT");
  EXPECT_EQ(spelt("binance-spot", "BTC-USDT"), "BTCUSDT");
  EXPECT_EQ(spelt("binance-spot", "btc/usdt"), "BTCUSDT");
  EXPECT_EQ(spelt("binance-spot", "1000SATS_USDT"), "1000SATSUSDT");
}

TEST(SymbolSpelling, OkxTakesASplitItCanTellAndRefusesOneItCannot) {
  EXPECT_EQ(spelt("okx", "BTC-USDT"), "BTC-USDT");
  EXPECT_EQ(spelt("okx", "btc-usdt"), "BTC-USDT");
  EXPECT_EQ(spelt("okx", "BTC/USDT"), "BTC-USDT");
  EXPECT_EQ(spelt("okx", "BTCUSDT"), "BTC-USDT");
  EXPECT_EQ(spelt("okx", "ethbtc"), "ETH-BTC");
  const std::string ambiguous = spelt("okx", "XTUSD");  // X-TUSD or XT-USD
  EXPECT_NE(ambiguous.find("refused: cannot tell base from quote in 'XTUSD'"), std::string::npos) << ambiguous;
  EXPECT_NE(spelt("okx", "BTCXYZ").find("cannot tell base from quote"), std::string::npos);
  EXPECT_NE(spelt("okx", "BTC-USDT-SWAP").find("not a spot instrument"), std::string::npos);
}

TEST(SymbolSpelling, WhatIsNoSymbolAtAllIsRefusedByBoth) {
  for (const char* venue : {"binance-spot", "okx"})
    for (const char* text : {"", "-BTCUSDT", "BTC--USDT", "BTC-", "BTC USDT", "BTC?USDT", "BTC.USDT"}) {
      SCOPED_TRACE(std::string(venue) + " '" + text + "'");
      EXPECT_EQ(spelt(venue, text).rfind("refused: ", 0), 0u) << spelt(venue, text);
    }
}

TEST(SymbolSpelling, SplitBaseQuoteNeedsABase) {
  EXPECT_FALSE(split_base_quote("USDT"));
  EXPECT_EQ(split_base_quote("SOLUSDC"), (std::pair<std::string, std::string>{"SOL", "USDC"}));
}

}  // namespace
}  // namespace sf
