#include "normalize_command.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace sf::daemon {
namespace {

TEST(Normalize, BinanceTradeFramesBecomeRecords) {
  std::istringstream in(
      R"({"stream":"bnbbtc@trade","data":{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true}})"
      "\n"
      R"({"result":null,"id":1})"
      "\n"
      R"({"stream":"bnbbtc@trade","data":{"e":"trade","E":1,"s":"BNBBTC"})"
      "\n");
  std::ostringstream out, err;
  EXPECT_EQ(normalize_command("binance-spot", in, out, err), 1);
  EXPECT_NE(out.str().find(R"("type":"trade","venue":"binance-spot","symbol":"BNBBTC","id":"12345","price":0.001,"qty":100,"side":"sell")"),
            std::string::npos)
      << out.str();
  EXPECT_NE(err.str().find("line 3:"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("1 of 3 lines malformed"), std::string::npos) << err.str();
}

TEST(Normalize, UnknownVenueNamesTheKnownOnes) {
  std::istringstream in("");
  std::ostringstream out, err;
  EXPECT_EQ(normalize_command("nasdaq", in, out, err), 2);
  EXPECT_NE(err.str().find("known: binance-spot, okx"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace sf::daemon
