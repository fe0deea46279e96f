#include "steadyfeed/core/record_parse.hpp"

#include <gtest/gtest.h>

#include "steadyfeed/core/record_json.hpp"

namespace sf {
namespace {

TEST(RecordParse, ReadsBackWhatWasWritten) {
  trade_record t;
  t.symbol = "BTCUSDT";
  t.id = 42;
  t.first_id = 40;
  t.price = *decimal::parse("43000.10");
  t.qty = *decimal::parse("0.00100000");
  t.taker = side::sell;
  t.ts_exchange = 5;
  t.ts_recv = 6;
  std::string line;
  append_json(line, "binance-spot", t);
  record_parser p;
  owned_record r;
  std::string error;
  ASSERT_TRUE(p.parse(line, r, error)) << error;
  EXPECT_EQ(r.type, owned_record::kind::trade);
  EXPECT_EQ(r.venue, "binance-spot");
  EXPECT_EQ(r.trade.symbol, "BTCUSDT");
  EXPECT_EQ(r.trade.id, 42u);
  EXPECT_EQ(r.trade.first_id, 40u);
  EXPECT_EQ(r.trade.price.to_string(), "43000.10");
  EXPECT_EQ(r.trade.qty.to_string(), "0.00100000");
  EXPECT_EQ(r.trade.taker, side::sell);
  EXPECT_EQ(r.trade.ts_recv, 6);
}

TEST(RecordParse, BooksAndCheckpointsAndGaps) {
  record_parser p;
  owned_record r;
  std::string error;
  ASSERT_TRUE(p.parse(R"({"type":"book","venue":"okx","symbol":"BTC-USDT","seq":10,"prev_seq":-1,"snapshot":true,)"
                      R"("bids":[[8476.97,256]],"asks":[["8476.98","415"],[8477,7]],"ts_exchange":1,"ts_recv":2})",
                      r, error))
      << error;
  EXPECT_EQ(r.type, owned_record::kind::book);
  EXPECT_FALSE(r.book.has_prev_seq);
  EXPECT_TRUE(r.book.snapshot);
  ASSERT_EQ(r.book.asks.size(), 2u);
  EXPECT_EQ(r.book.asks[1].price.to_string(), "8477");
  owned_record copy = r;
  EXPECT_EQ(copy.book.asks.data(), copy.asks.data());
  ASSERT_TRUE(p.parse(R"({"type":"gap","venue":"okx","channel":"trades","symbol":"BTC-USDT","from":"457","to":"460","reason":"x","ts_recv":3})",
                      r, error));
  EXPECT_EQ(r.gap.from, "457");
  EXPECT_EQ(r.gap.channel, "trades");
}

TEST(RecordParse, ErrorsNameTheProblem) {
  record_parser p;
  owned_record r;
  std::string error;
  EXPECT_FALSE(p.parse("{not json", r, error));
  EXPECT_NE(error.find("not JSON"), std::string::npos);
  EXPECT_FALSE(p.parse(R"({"type":"trade","venue":"v","symbol":"s","price":1,"qty":1})", r, error));
  EXPECT_EQ(error, "missing field id");
  EXPECT_FALSE(p.parse(R"({"type":"trade","venue":"v","symbol":"s","id":"1","price":"abc","qty":1})", r, error));
  EXPECT_EQ(error, "price: expected a decimal");
  EXPECT_FALSE(p.parse(R"({"type":"candle","venue":"v","symbol":"s"})", r, error));
  EXPECT_NE(error.find("unknown record type"), std::string::npos);
}

}  // namespace
}  // namespace sf
