#include "sim/binance_spot_session.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sim/decimal.hpp"
#include "sim/testing/recording_link.hpp"

namespace sf::sim {
namespace {

using testing::recording_link;

market_stream market(std::string_view symbol) {
  market_config c;
  c.depth = 5;
  return market_stream("binance-spot", *make_instrument(symbol), c);
}

const trade_event trade{.id = 12345,
                        .price = *parse_decimal("43000.1"),
                        .qty = *parse_decimal("0.5"),
                        .buyer_is_maker = true,
                        .ts = 1700000000123'456};

// A window that closed with one merged update.
depth_window::closed window_with_update(const market_stream& s) {
  depth_window::closed w;
  w.end = milliseconds{100};
  w.merged = book_update{.first_seq = s.last_seq() - 2,
                         .last_seq = s.last_seq(),
                         .prev_seq = s.last_seq() - 3,
                         .bids = {{*parse_decimal("42999"), *parse_decimal("1")}},
                         .asks = {},
                         .ts = 1700000000100'000};
  return w;
}

std::unique_ptr<binance_spot_session> open(std::string_view target, std::size_t max_streams = 0) {
  auto session = binance_spot_session::open(target, max_streams);
  EXPECT_TRUE(session) << target;
  return session;
}

TEST(BinanceSpotSession, OnlyStreamEndpointsWithinTheStreamLimitOpen) {
  EXPECT_FALSE(binance_spot_session::open("/api/v3/depth", 0));
  EXPECT_FALSE(binance_spot_session::open("/wss/btcusdt@trade", 0));
  EXPECT_FALSE(binance_spot_session::open("/ws/btcusdt@trade/ethusdt@trade", 1));
  EXPECT_TRUE(binance_spot_session::open("/ws/btcusdt@trade/ethusdt@trade", 2));
  EXPECT_TRUE(binance_spot_session::open("/ws/btcusdt@trade/ethusdt@trade", 0));  // 0: no limit
  EXPECT_TRUE(binance_spot_session::open("/ws", 1));
  EXPECT_TRUE(binance_spot_session::open("/stream?streams=btcusdt@trade", 1));
}

TEST(BinanceSpotSession, TradesGoToTheTradeStreamsOfTheirSymbolAsRawPayloads) {
  const auto btc = market("BTCUSDT");
  const auto eth = market("ETHUSDT");
  auto session =
      open("/ws/btcusdt@trade/btcusdt@aggTrade/ethusdt@trade/btcusdt@depth/btcusdt@bookTicker");
  recording_link link;
  frame_cache cache;
  session->on_trade(btc, trade, cache, link);
  EXPECT_EQ(link.frames,
            (std::vector<std::string>{binance::trade_payload(btc, trade, trade.ts, false),
                                      binance::agg_trade_payload(btc, trade, trade.ts, false)}));
  link.clear();
  frame_cache other;
  session->on_trade(eth, trade, other, link);
  EXPECT_EQ(link.frames,
            std::vector<std::string>{binance::trade_payload(eth, trade, trade.ts, false)});
}

TEST(BinanceSpotSession, TheUrlChoosesTheCombinedWrapperAndMicroseconds) {
  const auto btc = market("BTCUSDT");
  auto session = open("/stream?streams=btcusdt@trade&timeUnit=MICROSECOND");
  recording_link link;
  frame_cache cache;
  session->on_trade(btc, trade, cache, link);
  ASSERT_EQ(link.frames.size(), 1u);
  EXPECT_EQ(
      link.frames[0],
      binance::wrap_combined("btcusdt@trade", binance::trade_payload(btc, trade, trade.ts, true)));
  EXPECT_NE(link.frames[0].find(R"("T":1700000000123456)"), std::string::npos);
}

TEST(BinanceSpotSession, ConnectionsOfOneShapeShareOneFrameAndOthersGetTheirOwn) {
  const auto btc = market("BTCUSDT");
  auto raw1 = open("/ws/btcusdt@trade");
  auto raw2 = open("/ws/btcusdt@trade");
  auto combined = open("/stream?streams=btcusdt@trade");
  auto micro = open("/ws/btcusdt@trade?timeUnit=microsecond");
  recording_link l1, l2, l3, l4;
  frame_cache cache;
  raw1->on_trade(btc, trade, cache, l1);
  raw2->on_trade(btc, trade, cache, l2);
  combined->on_trade(btc, trade, cache, l3);
  micro->on_trade(btc, trade, cache, l4);
  ASSERT_EQ(l1.shared.size(), 1u);
  ASSERT_EQ(l2.shared.size(), 1u);
  EXPECT_EQ(l1.shared[0].get(), l2.shared[0].get());
  EXPECT_NE(l3.frames[0], l1.frames[0]);
  EXPECT_NE(l4.frames[0], l1.frames[0]);
  EXPECT_NE(l4.frames[0], l3.frames[0]);
}

TEST(BinanceSpotSession, SubscribedStreamsReceiveAndSetPropertyChangesTheWrapper) {
  const auto btc = market("BTCUSDT");
  auto session = open("/ws");
  recording_link link;
  frame_cache c1;
  session->on_trade(btc, trade, c1, link);
  EXPECT_TRUE(link.frames.empty());

  session->on_text(R"({"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1})", link);
  EXPECT_EQ(link.frames, std::vector<std::string>{R"({"result":null,"id":1})"});
  EXPECT_EQ(session->topics(), std::vector<std::string>{"btcusdt@trade"});
  link.clear();
  frame_cache c2;
  session->on_trade(btc, trade, c2, link);
  EXPECT_EQ(link.frames,
            std::vector<std::string>{binance::trade_payload(btc, trade, trade.ts, false)});

  session->on_text(R"({"method":"SET_PROPERTY","params":["combined",true],"id":2})", link);
  link.clear();
  frame_cache c3;
  session->on_trade(btc, trade, c3, link);
  EXPECT_EQ(link.frames,
            std::vector<std::string>{binance::wrap_combined(
                "btcusdt@trade", binance::trade_payload(btc, trade, trade.ts, false))});
  EXPECT_EQ(session->maintenance_notice(1700000000999'000),
            R"({"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1700000000999}})");
}

TEST(BinanceSpotSession, EveryMessagePingAndPongCountsAndTheFirstOverTheRateCloses) {
  auto session = open("/ws/btcusdt@trade");
  recording_link link;
  link.inbound_budget = 2;
  session->on_text(R"({"method":"LIST_SUBSCRIPTIONS","id":7})", link);
  EXPECT_EQ(link.frames, std::vector<std::string>{R"({"result":["btcusdt@trade"],"id":7})"});
  session->on_control_frame(link);
  EXPECT_TRUE(link.closes.empty());
  session->on_text(R"({"method":"LIST_SUBSCRIPTIONS","id":8})", link);
  EXPECT_EQ(link.inbound_counted, 3u);
  ASSERT_EQ(link.closes.size(), 1u);
  EXPECT_EQ(link.closes[0].code, 1008);
  EXPECT_EQ(link.closes[0].reason, "Too many requests");
  EXPECT_EQ(link.frames.size(), 1u);  // the message over the rate is not answered
  session->on_control_frame(link);
  EXPECT_EQ(link.closes.size(), 2u);
}

TEST(BinanceSpotSession, DepthIsPushedPerWindowOfItsOwnLengthAndTheBookTickerInRealTime) {
  const auto btc = market("BTCUSDT");
  auto session =
      open("/ws/btcusdt@depth@100ms/btcusdt@depth/btcusdt@depth5@100ms/btcusdt@bookTicker");
  const auto w = window_with_update(btc);
  recording_link link;
  frame_cache fast;
  session->on_book_window(btc, w, milliseconds{100}, fast, link);
  EXPECT_EQ(link.frames,
            (std::vector<std::string>{binance::depth_update_payload(btc, *w.merged, false),
                                      binance::partial_depth_payload(btc, 5)}));
  link.clear();
  frame_cache slow;
  session->on_book_window(btc, w, seconds{1}, slow, link);
  EXPECT_EQ(link.frames,
            std::vector<std::string>{binance::depth_update_payload(btc, *w.merged, false)});

  link.clear();
  frame_cache quiet;
  session->on_book_window(btc,
                          depth_window::closed{.end = milliseconds{200}, .merged = std::nullopt},
                          milliseconds{100}, quiet, link);
  EXPECT_EQ(link.frames, std::vector<std::string>{
                             binance::partial_depth_payload(btc, 5)});  // no change, no diff

  link.clear();
  frame_cache realtime;
  session->on_book_update(btc, *w.merged, realtime, link);
  EXPECT_EQ(link.frames, std::vector<std::string>{binance::book_ticker_payload(btc)});
}

TEST(BinanceSpotSession, ASequenceGapDropsAWholeDiffEventAndNothingElse) {
  const auto btc = market("BTCUSDT");
  auto session = open("/ws/btcusdt@depth@100ms/btcusdt@depth5@100ms/btcusdt@bookTicker");
  const auto w = window_with_update(btc);
  recording_link link;
  link.gaps = 1;
  frame_cache realtime;
  session->on_book_update(btc, *w.merged, realtime, link);
  EXPECT_TRUE(link.gap_asks.empty());  // the book ticker is no diff
  link.clear();
  frame_cache first;
  session->on_book_window(btc, w, milliseconds{100}, first, link);
  EXPECT_EQ(link.frames, std::vector<std::string>{binance::partial_depth_payload(btc, 5)});
  EXPECT_EQ(link.gap_asks, std::vector<std::string>{"BTCUSDT"});
  link.clear();
  frame_cache second;
  session->on_book_window(btc, w, milliseconds{100}, second, link);
  EXPECT_EQ(link.frames.front(), binance::depth_update_payload(btc, *w.merged, false));
}

TEST(BinanceSpotSession, NoticesAndClosesAreTheVenues) {
  auto session = open("/ws/btcusdt@trade?timeUnit=MICROSECOND");
  EXPECT_EQ(session->maintenance_notice(1700000000999'123),
            R"({"e":"serverShutdown","E":1700000000999123})");
  EXPECT_FALSE(session->slow_client_close());  // reset, no close frame
  boost::system::error_code ec;
  boost::json::parse(session->malformed_frame(), ec);
  EXPECT_TRUE(ec);
  EXPECT_EQ(session->malformed_frame().rfind(R"({"e":"trade",)", 0), 0u);
  EXPECT_TRUE(session->describe_fields().empty());
  EXPECT_EQ(session->topics(), std::vector<std::string>{"btcusdt@trade"});
}

}  // namespace
}  // namespace sf::sim
