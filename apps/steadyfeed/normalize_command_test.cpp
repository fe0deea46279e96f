#include "normalize_command.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace sf::daemon {
namespace {

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::size_t lines_of(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

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
  EXPECT_TRUE(has(out.str(), R"("type":"trade","venue":"binance-spot","symbol":"BNBBTC","id":"12345","price":0.001,"qty":100,"side":"sell")"))
      << out.str();
  EXPECT_EQ(lines_of(out.str()), 1u);
  EXPECT_TRUE(has(err.str(), "line 3:")) << err.str();
  EXPECT_TRUE(has(err.str(), "3 lines: 1 records; 1 lines skipped, 1 malformed")) << err.str();
  EXPECT_TRUE(has(err.str(), "skipped 1 × subscription acknowledgement (first at line 2)")) << err.str();
}

// A capture of raw /ws streams normalizes to what the combined streams give.
TEST(Normalize, BinanceRawStreamEventsNormalizeLikeCombinedOnes) {
  const std::string payload =
      R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true})";
  std::istringstream raw(payload + "\n"), wrapped(R"({"stream":"bnbbtc@trade","data":)" + payload + "}\n");
  std::ostringstream out_raw, out_wrapped, err;
  EXPECT_EQ(normalize_command("binance-spot", raw, out_raw, err), 0) << err.str();
  EXPECT_EQ(normalize_command("binance-spot", wrapped, out_wrapped, err), 0) << err.str();
  EXPECT_EQ(lines_of(out_raw.str()), 1u);
  EXPECT_EQ(out_raw.str(), out_wrapped.str());
}

TEST(Normalize, ImpossibleValuesAreMalformedNeverRecords) {
  std::istringstream in(
      R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"1","px":"-5","sz":"1","side":"buy","ts":"1630048897897"}]})"
      "\n"
      R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"2","px":"5","sz":"0","side":"buy","ts":"1630048897897"}]})"
      "\n"
      R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"3","px":"5","sz":"1","side":"hold","ts":"1630048897897"}]})"
      "\n"
      R"({"data":[{"instId":"BTC-USDT","tradeId":"4","px":"5","sz":"1","side":"sell","ts":"1630048897897"}],"arg":{"channel":"trades","instId":"BTC-USDT"}})"
      "\n");
  std::ostringstream out, err;
  EXPECT_EQ(normalize_command("okx", in, out, err), 1);
  // Only the last line, whose data comes before its arg, is a trade.
  EXPECT_EQ(lines_of(out.str()), 1u) << out.str();
  EXPECT_TRUE(has(out.str(), R"("id":"4")")) << out.str();
  EXPECT_TRUE(has(err.str(), "line 1: malformed frame: trades: field px is not positive")) << err.str();
  EXPECT_TRUE(has(err.str(), "line 2: malformed frame: trades: field sz is not positive")) << err.str();
  EXPECT_TRUE(has(err.str(), "line 3: malformed frame: trades: field side is 'hold', not buy or sell")) << err.str();
  EXPECT_TRUE(has(err.str(), "4 lines: 1 records; 0 lines skipped, 3 malformed")) << err.str();
}

TEST(Normalize, EverySkippedLineIsCountedWithItsReason) {
  std::istringstream in(
      "pong\n"
      "\n"
      R"({"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"a"})"
      "\n"
      R"({"event":"channel-conn-count","channel":"trades","connCount":"2","connId":"a"})"
      "\n"
      R"({"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","last":"1"}]})"
      "\n"
      R"({"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","last":"2"}]})"
      "\n"
      R"({"event":"notice","code":"64008","msg":"upgrade","connId":"a"})"
      "\n");
  std::ostringstream out, err;
  EXPECT_EQ(normalize_command("okx", in, out, err), 0) << err.str();
  EXPECT_TRUE(out.str().empty());
  const std::string e = err.str();
  EXPECT_TRUE(has(e, "7 lines: 0 records; 7 lines skipped, 0 malformed")) << e;
  EXPECT_TRUE(has(e, "skipped 1 × heartbeat (first at line 1)")) << e;
  EXPECT_TRUE(has(e, "skipped 1 × empty line (first at line 2)")) << e;
  EXPECT_TRUE(has(e, "skipped 1 × subscription acknowledgement (first at line 3)")) << e;
  EXPECT_TRUE(has(e, "skipped 1 × event channel-conn-count (first at line 4)")) << e;
  EXPECT_TRUE(has(e, "skipped 2 × stream tickers:BTC-USDT is not normalized (first at line 5)")) << e;
  EXPECT_TRUE(has(e, "skipped 1 × venue notice (first at line 7)")) << e;
}

TEST(Normalize, UnknownVenueNamesTheKnownOnes) {
  std::istringstream in("");
  std::ostringstream out, err;
  EXPECT_EQ(normalize_command("nasdaq", in, out, err), 2);
  EXPECT_TRUE(has(err.str(), "known: binance-spot, okx")) << err.str();
}

}  // namespace
}  // namespace sf::daemon
