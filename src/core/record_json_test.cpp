#include "steadyfeed/core/record_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sf {
namespace {

TEST(RecordJson, TradeMatchesTheDesignSchema) {
  trade_record t;
  t.symbol = "BTCUSDT";
  t.id = 123;
  t.price = *decimal::parse("43000.10");
  t.qty = *decimal::parse("0.001");
  t.taker = side::buy;
  t.ts_exchange = 1700000000000000;
  t.ts_recv = 1700000000000123;
  std::string out;
  append_json(out, "binance-spot", t);
  EXPECT_EQ(out,
            R"({"type":"trade","venue":"binance-spot","symbol":"BTCUSDT","id":"123","price":43000.10,"qty":0.001,)"
            R"("side":"buy","ts_exchange":1700000000000000,"ts_recv":1700000000000123})"
            "\n");
  EXPECT_NO_THROW(boost::json::parse(out));
}

TEST(RecordJson, BookAndGapAreValidJson) {
  std::vector<price_level> bids{{*decimal::parse("43000.1"), *decimal::parse("0.5")}};
  std::vector<price_level> asks{{*decimal::parse("43000.2"), *decimal::parse("0")}};
  book_record b;
  b.symbol = "BTC-USDT";
  b.seq = 456;
  b.prev_seq = 455;
  b.has_prev_seq = true;
  b.bids = bids;
  b.asks = asks;
  std::string out;
  append_json(out, "okx", b);
  EXPECT_EQ(out,
            R"({"type":"book","venue":"okx","symbol":"BTC-USDT","seq":456,"prev_seq":455,"snapshot":false,)"
            R"("bids":[[43000.1,0.5]],"asks":[[43000.2,0]],"ts_exchange":0,"ts_recv":0})"
            "\n");
  gap_record g{"okx", "trades", "BTC-USDT", "457", "460", "history \"ended\"\n", 5};
  out.clear();
  append_json(out, g);
  const auto v = boost::json::parse(out);
  EXPECT_EQ(v.at("reason").as_string(), "history \"ended\"\n");
  EXPECT_EQ(v.at("from").as_string(), "457");
}

TEST(RecordJson, ControlCharactersAreEscaped) {
  std::string out;
  append_json_string(out, std::string_view("a\x01z", 3));
  EXPECT_EQ(out, "\"a\\u0001z\"");
}

}  // namespace
}  // namespace sf
