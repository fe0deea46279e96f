#include "sim/okx_dialect.hpp"

#include <gtest/gtest.h>

#include "sim/decimal.hpp"

namespace sf::sim::okx_ws {
namespace {

market_stream btc() {
  market_config c;
  c.depth = 3;
  return market_stream("okx", *make_instrument("BTCUSDT"), c);
}

control_protocol protocol(std::size_t max_topics = 0) {
  return control_protocol("a4d3ae55", [](std::string_view i) { return i == "BTC-USDT"; }, max_topics);
}

TEST(OkxDialect, TradesFrameHasTheDocumentedShape) {
  const auto s = btc();
  const trade_event t{.id = 130639474, .price = *parse_decimal("42219.9"), .qty = *parse_decimal("0.12060306"),
                      .buyer_is_maker = false, .ts = 1630048897897'000};
  EXPECT_EQ(trades_frame(s, t),
            R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"130639474",)"
            R"("px":"42219.9","sz":"0.12060306","side":"buy","ts":"1630048897897","count":"1","seqId":130639474}]})");
}

TEST(OkxDialect, BooksUpdateChainsSeqIds) {
  const auto s = btc();
  const book_update u{.first_seq = 123457, .last_seq = 123457, .prev_seq = 123456,
                      .bids = {{*parse_decimal("8476.97"), *parse_decimal("256")}},
                      .asks = {{*parse_decimal("8476.98"), 0}}, .ts = 1597026383085'000};
  const auto frame = books_update_frame(s, u, -855196043);
  EXPECT_EQ(frame.rfind(R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update",)"
                        R"("data":[{"asks":[["8476.98","0","0","0"]],)", 0),
            0u);
  EXPECT_NE(frame.find(R"("ts":"1597026383085","checksum":-855196043,"prevSeqId":123456,"seqId":123457}]})"),
            std::string::npos);
  EXPECT_NE(frame.find(R"("bids":[["8476.97","256","0",")"), std::string::npos);
}

TEST(OkxDialect, SnapshotChecksumIsComputedOrZero) {
  const auto s = btc();
  const auto crc = book_checksum(s, checksum_mode::crc32);
  EXPECT_NE(crc, 0);
  EXPECT_EQ(book_checksum(s, checksum_mode::zero), 0);
  const auto frame = books_snapshot_frame(s, crc);
  EXPECT_NE(frame.find(R"("action":"snapshot")"), std::string::npos);
  EXPECT_NE(frame.find(R"("checksum":)" + std::to_string(crc) + R"(,"prevSeqId":-1,"seqId":)" +
                       std::to_string(s.last_seq())),
            std::string::npos);
}

TEST(OkxDialect, SubscribeAckPerArgEchoesIdAndArg) {
  auto p = protocol();
  const auto r = p.handle(R"({"id": "1512", "op": "subscribe", "args": [{"channel": "books", "instId": "BTC-USDT"}]})");
  ASSERT_EQ(r.replies.size(), 1u);
  EXPECT_EQ(r.replies[0],
            R"({"id":"1512","event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"})");
  ASSERT_EQ(r.subscribed.size(), 1u);
  EXPECT_EQ(p.topics().size(), 1u);
  const auto u = p.handle(R"({"op": "unsubscribe", "args": [{"channel": "books", "instId": "BTC-USDT"}]})");
  EXPECT_EQ(u.replies[0], R"({"event":"unsubscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"})");
  EXPECT_TRUE(p.topics().empty());
}

TEST(OkxDialect, ErrorsUseTheVenueCodes) {
  auto p = protocol(1);
  const std::string bad = R"({"op": "subscribe", "argss":[{ "channel" : "books", "instId" : "BTC-USD-191227"}]})";
  EXPECT_EQ(p.handle(R"({"id":"1512",)" + bad.substr(1)).replies[0],
            R"({"id":"1512","event":"error","code":"60012","msg":"Invalid request: {\"id\":\"1512\",)"
            R"(\"op\": \"subscribe\", \"argss\":[{ \"channel\" : \"books\", \"instId\" : \"BTC-USD-191227\"}]}",)"
            R"("connId":"a4d3ae55"})");
  EXPECT_EQ(p.handle("{not json").replies[0],
            R"({"event":"error","code":"60012","msg":"Invalid request: {not json","connId":"a4d3ae55"})");
  EXPECT_EQ(p.handle(R"({"op":"subscribee","args":[]})").replies[0],
            R"({"event":"error","code":"60019","msg":"Invalid op: subscribee","connId":"a4d3ae55"})");
  EXPECT_EQ(p.handle(R"({"op":"subscribe","args":[{"channel":"books","instId":"DOGE-XYZ"}]})").replies[0],
            R"({"event":"error","code":"60018","msg":"Wrong URL or channel:books,instId:DOGE-XYZ doesn't exist. )"
            R"(Please use the correct URL, channel and parameters referring to API document.","connId":"a4d3ae55"})");
  EXPECT_NE(p.handle(R"({"op":"subscribe","args":[{"channel":"candle1m","instId":"BTC-USDT"}]})").replies[0].find(
                R"("code":"60018")"),
            std::string::npos);
  EXPECT_EQ(p.handle(R"({"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"}]})", false).replies[0],
            R"({"event":"error","code":"60014","msg":"Requests too frequent.","connId":"a4d3ae55"})");
  EXPECT_FALSE(p.handle(R"({"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"}]})").close);
  const auto over = p.handle(R"({"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})");
  ASSERT_TRUE(over.close);
  EXPECT_EQ(over.close->first, 4008);
}

TEST(OkxDialect, NoticeFrame) {
  EXPECT_EQ(notice_frame("a4d3ae55"),
            R"({"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. )"
            R"(Please reconnect.","connId":"a4d3ae55"})");
}

}  // namespace
}  // namespace sf::sim::okx_ws
