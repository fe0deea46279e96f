#include "sim/okx_session.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sim/okx_checksum.hpp"
#include "sim/testing/recording_link.hpp"

namespace sf::sim {
namespace {

using testing::recording_link;
namespace json = boost::json;

struct collector final : market_stream::listener {
  std::vector<trade_event> trades;
  std::vector<book_update> updates;
  void on_trade(const market_stream&, const trade_event& t) override { trades.push_back(t); }
  void on_book_update(const market_stream&, const book_update& u) override { updates.push_back(u); }
};

class OkxSession : public ::testing::Test {
 protected:
  OkxSession() : markets_({"okx"}, {"BTCUSDT", "ETHUSDT"}, config()) {
    markets_.advance_to(milliseconds{100}, events_);
  }
  static market_config config() {
    market_config c;
    c.depth = 30;
    c.rate = 100;
    return c;
  }
  okx_session session(okx_ws::checksum_mode mode = okx_ws::checksum_mode::crc32,
                      std::size_t max_topics = 0) {
    return okx_session("okx", "a4d3ae55", markets_, mode, max_topics);
  }
  const market_stream& btc() const { return *markets_.find("okx", "BTC-USDT"); }
  const market_stream& eth() const { return *markets_.find("okx", "ETH-USDT"); }

  market_registry markets_;
  collector events_;
};

constexpr std::string_view subscribe_btc_all =
    R"({"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"},{"channel":"books","instId":"BTC-USDT"},)"
    R"({"channel":"books5","instId":"BTC-USDT"},{"channel":"bbo-tbt","instId":"BTC-USDT"}]})";

TEST_F(OkxSession, ABarePingIsAnsweredAndNotCounted) {
  auto s = session();
  recording_link link;
  link.inbound_budget = 0;
  s.on_text("ping", link);
  EXPECT_EQ(link.frames, std::vector<std::string>{"pong"});
  EXPECT_EQ(link.inbound_counted, 0u);
  s.on_control_frame(link);  // WebSocket pings are not counted either
  EXPECT_EQ(link.inbound_counted, 0u);
  EXPECT_TRUE(link.closes.empty());
}

TEST_F(OkxSession, ABooksSubscriptionIsAckedThenStartsWithASnapshot) {
  for (const auto mode : {okx_ws::checksum_mode::crc32, okx_ws::checksum_mode::zero}) {
    auto s = session(mode);
    recording_link link;
    s.on_text(R"({"id":"7","op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})",
              link);
    ASSERT_EQ(link.frames.size(), 2u);
    EXPECT_EQ(
        link.frames[0],
        R"({"id":"7","event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"})");
    const std::int32_t sum = mode == okx_ws::checksum_mode::zero ? 0 : okx_checksum(btc().book());
    EXPECT_NE(sum == 0, mode == okx_ws::checksum_mode::crc32);
    EXPECT_EQ(link.frames[1], okx_ws::books_snapshot_frame(btc(), sum));
    EXPECT_EQ(s.topics(), std::vector<std::string>{"books:BTC-USDT"});
  }
}

TEST_F(OkxSession, OpsOverTheRateAreRefusedAndTheConnectionStays) {
  auto s = session();
  recording_link link;
  link.inbound_budget = 0;
  s.on_text(R"({"id":"1","op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"}]})",
            link);
  ASSERT_EQ(link.frames.size(), 1u);
  EXPECT_EQ(json::parse(link.frames[0]).at("code"), "60014");
  EXPECT_EQ(link.inbound_counted, 1u);
  EXPECT_TRUE(link.closes.empty());
  EXPECT_TRUE(s.topics().empty());
}

TEST_F(OkxSession, MoreChannelsThanTheLimitClose) {
  auto s = session(okx_ws::checksum_mode::crc32, 1);
  recording_link link;
  s.on_text(
      R"({"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"},{"channel":"trades","instId":"ETH-USDT"}]})",
      link);
  ASSERT_EQ(link.closes.size(), 1u);
  EXPECT_EQ(link.closes[0].code, 4008);
  EXPECT_EQ(link.closes[0].reason, "The number of subscribed channels exceeds the maximum limit.");
  EXPECT_EQ(link.closes[0].why, "too many channels");
}

TEST_F(OkxSession, EventsGoToEverySubscribedChannelOfTheirInstrument) {
  auto s = session();
  recording_link link;
  s.on_text(subscribe_btc_all, link);
  link.clear();
  ASSERT_FALSE(events_.trades.empty());
  frame_cache eth_trade;
  s.on_trade(eth(), events_.trades.front(), eth_trade, link);
  EXPECT_TRUE(link.frames.empty());
  frame_cache btc_trade;
  s.on_trade(btc(), events_.trades.front(), btc_trade, link);
  EXPECT_EQ(link.frames,
            std::vector<std::string>{okx_ws::trades_frame(btc(), events_.trades.front())});

  link.clear();
  const auto& u = events_.updates.front();
  frame_cache update;
  s.on_book_update(btc(), u, update, link);
  EXPECT_EQ(link.frames, (std::vector<std::string>{
                             okx_ws::books_update_frame(btc(), u, okx_checksum(btc().book())),
                             okx_ws::books5_frame(btc()), okx_ws::bbo_frame(btc())}));
}

TEST_F(OkxSession, ASequenceGapDropsOnlyTheBooksUpdate) {
  auto s = session();
  recording_link link;
  s.on_text(subscribe_btc_all, link);
  link.clear();
  link.gaps = 1;
  const auto& u = events_.updates.front();
  frame_cache first;
  s.on_book_update(btc(), u, first, link);
  EXPECT_EQ(link.frames,
            (std::vector<std::string>{okx_ws::books5_frame(btc()), okx_ws::bbo_frame(btc())}));
  EXPECT_EQ(link.gap_asks, std::vector<std::string>{"BTC-USDT"});
  link.clear();
  frame_cache second;
  s.on_book_update(btc(), u, second, link);
  EXPECT_EQ(link.frames.size(), 3u);
}

TEST_F(OkxSession, ABadChecksumCorruptsOneFrameAndOnlyWhenChecksumsAreComputed) {
  const auto& u = events_.updates.front();
  const auto good = okx_checksum(btc().book());
  {
    auto s = session(okx_ws::checksum_mode::crc32);
    recording_link link;
    s.on_text(R"({"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})", link);
    link.clear();
    link.bad_checksums = 1;
    frame_cache first;
    s.on_book_update(btc(), u, first, link);
    frame_cache second;
    s.on_book_update(btc(), u, second, link);
    EXPECT_EQ(link.frames,
              (std::vector<std::string>{okx_ws::books_update_frame(btc(), u, good ^ 0x5a5a),
                                        okx_ws::books_update_frame(btc(), u, good)}));
  }
  {
    auto s = session(okx_ws::checksum_mode::zero);
    recording_link link;
    s.on_text(R"({"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})", link);
    link.clear();
    link.bad_checksums = 1;
    frame_cache cache;
    s.on_book_update(btc(), u, cache, link);
    EXPECT_EQ(link.frames, std::vector<std::string>{okx_ws::books_update_frame(btc(), u, 0)});
    EXPECT_EQ(link.bad_checksums, 1u);  // not taken: a zero checksum has nothing to corrupt
  }
}

TEST_F(OkxSession, NoticesClosesAndTheDescriptionNameTheConnection) {
  auto s = session();
  EXPECT_EQ(s.maintenance_notice(0), okx_ws::notice_frame("a4d3ae55"));
  EXPECT_EQ(s.describe_fields(), R"(,"connId":"a4d3ae55")");
  ASSERT_TRUE(s.slow_client_close());
  EXPECT_EQ(s.slow_client_close()->code, 4005);
  EXPECT_EQ(s.slow_client_close()->reason, "Buffer full");
  EXPECT_EQ(s.idle_close().code, 4004);
  boost::system::error_code ec;
  json::parse(s.malformed_frame(), ec);
  EXPECT_TRUE(ec);
  EXPECT_EQ(s.malformed_frame().rfind(R"({"arg":{"channel":"trades")", 0), 0u);
}

}  // namespace
}  // namespace sf::sim
