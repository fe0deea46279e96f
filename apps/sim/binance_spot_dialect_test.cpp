#include "sim/binance_spot_dialect.hpp"

#include <gtest/gtest.h>

#include "sim/decimal.hpp"

namespace sf::sim::binance {
namespace {

market_stream btc() {
  market_config c;
  c.depth = 3;
  return market_stream("binance-spot", *make_instrument("BTCUSDT"), c);
}

TEST(BinanceSpotDialect, TradeFrameHasTheDocumentedShape) {
  const auto s = btc();
  const trade_event t{.id = 12345, .price = *parse_decimal("0.001"), .qty = *parse_decimal("100"),
                      .buyer_is_maker = true, .ts = 1672515782136'000};
  EXPECT_EQ(trade_payload(s, t, t.ts, false),
            R"({"e":"trade","E":1672515782136,"s":"BTCUSDT","t":12345,"p":"0.00100000","q":"100.00000000",)"
            R"("T":1672515782136,"m":true,"M":true})");
  EXPECT_EQ(agg_trade_payload(s, t, t.ts + 5, true),
            R"({"e":"aggTrade","E":1672515782136005,"s":"BTCUSDT","a":12345,"p":"0.00100000","q":"100.00000000",)"
            R"("f":12345,"l":12345,"T":1672515782136000,"m":true,"M":true})");
}

TEST(BinanceSpotDialect, DepthUpdateAndCombinedWrapper) {
  const auto s = btc();
  const book_update u{.first_seq = 157, .last_seq = 160, .prev_seq = 156,
                      .bids = {{*parse_decimal("0.0024"), *parse_decimal("10")}},
                      .asks = {{*parse_decimal("0.0026"), *parse_decimal("100")}}, .ts = 1672515782136'000};
  const auto payload = depth_update_payload(s, u, false);
  EXPECT_EQ(payload, R"({"e":"depthUpdate","E":1672515782136,"s":"BTCUSDT","U":157,"u":160,)"
                     R"("b":[["0.00240000","10.00000000"]],"a":[["0.00260000","100.00000000"]]})");
  EXPECT_EQ(wrap_combined("btcusdt@depth", payload), R"({"stream":"btcusdt@depth","data":)" + payload + "}");
  EXPECT_EQ(server_shutdown_payload(1770123456789'000, false), R"({"e":"serverShutdown","E":1770123456789})");
}

TEST(BinanceSpotDialect, RestSnapshotMatchesBookAndLastUpdateId) {
  const auto s = btc();
  const auto body = depth_snapshot(s, 1);
  EXPECT_EQ(body.rfind(R"({"lastUpdateId":)" + std::to_string(s.last_seq()) + R"(,"bids":[[")", 0), 0u);
  EXPECT_NE(body.find(format_decimal(s.book().best(book_side::ask)->price, number_style::fixed8)), std::string::npos);
}

TEST(BinanceSpotDialect, HistoricalTradeQuoteQtyIsExact) {
  const trade_event t{.id = 28457, .price = *parse_decimal("4.000001"), .qty = *parse_decimal("12"),
                      .buyer_is_maker = true, .ts = 1499865549590'000};
  EXPECT_EQ(historical_trade_item(t),
            R"({"id":28457,"price":"4.00000100","qty":"12.00000000","quoteQty":"48.00001200",)"
            R"("time":1499865549590,"isBuyerMaker":true,"isBestMatch":true})");
}

TEST(BinanceSpotDialect, StreamNamesAndUrls) {
  EXPECT_EQ(parse_stream("btcusdt@depth@100ms")->kind, stream_kind::depth);
  EXPECT_TRUE(parse_stream("btcusdt@depth@100ms")->fast);
  EXPECT_EQ(parse_stream("btcusdt@depth10")->levels, 10);
  EXPECT_EQ(parse_stream("ethusdt@aggTrade")->symbol, "ethusdt");
  EXPECT_FALSE(parse_stream("btcusdt@kline_1m"));
  EXPECT_FALSE(parse_stream("btcusdt"));

  const auto raw = parse_url("/ws/btcusdt@trade/ethusdt@depth");
  ASSERT_TRUE(raw);
  EXPECT_FALSE(raw->combined);
  EXPECT_EQ(raw->streams, (std::vector<std::string>{"btcusdt@trade", "ethusdt@depth"}));
  const auto combined = parse_url("/stream?streams=btcusdt@trade/btcusdt@depth@100ms&timeUnit=MICROSECOND");
  ASSERT_TRUE(combined);
  EXPECT_TRUE(combined->combined);
  EXPECT_TRUE(combined->micro);
  EXPECT_EQ(combined->streams.size(), 2u);
  EXPECT_TRUE(parse_url("/ws")->streams.empty());
  EXPECT_FALSE(parse_url("/wss/btcusdt@trade"));
}

TEST(BinanceSpotDialect, SubscribeUnsubscribeListAck) {
  control_protocol p(false, 1024);
  auto r = p.handle(R"({"method": "SUBSCRIBE", "params": ["btcusdt@aggTrade", "btcusdt@depth"], "id": 1})");
  EXPECT_EQ(r.reply, R"({"result":null,"id":1})");
  EXPECT_TRUE(r.changed);
  r = p.handle(R"({"method": "UNSUBSCRIBE", "params": ["btcusdt@depth"], "id": 312})");
  EXPECT_EQ(r.reply, R"({"result":null,"id":312})");
  r = p.handle(R"({"method": "LIST_SUBSCRIPTIONS", "id": 3})");
  EXPECT_EQ(r.reply, R"({"result":["btcusdt@aggTrade"],"id":3})");
  // Unknown streams are acknowledged, as the venue does.
  EXPECT_EQ(p.handle(R"({"method":"SUBSCRIBE","params":["nosuch@trade"],"id":"abc"})").reply,
            R"({"result":null,"id":"abc"})");
  EXPECT_EQ(p.handle(R"({"method":"SUBSCRIBE","params":[],"id":null})").reply, R"({"result":null,"id":null})");
}

TEST(BinanceSpotDialect, Properties) {
  control_protocol p(false, 1024);
  EXPECT_EQ(p.handle(R"({"method":"GET_PROPERTY","params":["combined"],"id":2})").reply, R"({"result":false,"id":2})");
  EXPECT_EQ(p.handle(R"({"method":"SET_PROPERTY","params":["combined",true],"id":5})").reply,
            R"({"result":null,"id":5})");
  EXPECT_TRUE(p.combined());
  EXPECT_EQ(p.handle(R"({"method":"SET_PROPERTY","params":["combined","yes"],"id":5})").reply,
            R"({"code":1,"msg":"Invalid value type: expected Boolean"})");
  EXPECT_EQ(p.handle(R"({"method":"GET_PROPERTY","params":["nope"],"id":7})").reply,
            R"({"code":0,"msg":"Unknown property","id":7})");
  EXPECT_EQ(p.handle(R"({"method":"GET_PROPERTY","params":[1],"id":7})").reply,
            R"({"code":2,"msg":"Invalid request: property name must be a string"})");
  EXPECT_EQ(p.handle(R"({"method":"GET_PROPERTY","params":["combined",1],"id":7})").reply,
            R"({"code":2,"msg":"Invalid request: too many parameters"})");
}

TEST(BinanceSpotDialect, ErrorsCarryTheVenueCodesAndPositions) {
  control_protocol p(false, 2);
  EXPECT_EQ(p.handle("hello").reply, R"({"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"})");
  EXPECT_EQ(p.handle(R"({"params":["btcusdt@trade"],"id":1})").reply,
            R"({"code":2,"msg":"Invalid request: missing field `method` at line 1 column 35"})");
  EXPECT_EQ(p.handle(R"({"method":"SUBSCRIBEE","params":[],"id":1})").reply,
            "{\"code\":2,\"msg\":\"Invalid request: unknown variant `SUBSCRIBEE`, expected one of `SUBSCRIBE`, "
            "`UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column 22\"}");
  EXPECT_EQ(p.handle(R"({"method":"SUBSCRIBE","params":[],"id":{}})").reply,
            R"({"code":2,"msg":"Invalid request: request ID must be an unsigned integer"})");
  EXPECT_EQ(p.handle(R"({"method":"SUBSCRIBE","params":["a@trade","b@trade","c@trade"],"id":9})").reply,
            R"({"code":2,"msg":"Invalid request: too many streams","id":9})");
  EXPECT_TRUE(p.streams().empty());
}

}  // namespace
}  // namespace sf::sim::binance
