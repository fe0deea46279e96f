#include "steadyfeed/runtime/engine.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

feed_config config(std::string id, std::string venue, std::string host, std::string rest_host = {}) {
  feed_config c;
  c.id = std::move(id);
  c.venue = std::move(venue);
  c.symbols = {c.venue == "okx" ? "BTC-USDT" : "BTCUSDT"};
  c.channels = {"trades"};
  c.ws_url = "ws://" + host + "/ws";
  c.rest_url = "http://" + (rest_host.empty() ? host : rest_host);
  return c;
}

// A venue limits connection attempts per IP, not per feed: four feeds of one
// venue must not open four times the venue's limit.
TEST(Engine, FeedsOfOneVenueAtOneHostShareItsConnectionLimit) {
  engine e;
  const auto& a = e.add_feed(config("a", "binance-spot", "127.0.0.1:9000")).limiter();
  const auto& b = e.add_feed(config("b", "binance-spot", "127.0.0.1:9000")).limiter();
  const auto& other_host = e.add_feed(config("c", "binance-spot", "127.0.0.2:9000")).limiter();
  const auto& other_venue = e.add_feed(config("d", "okx", "127.0.0.1:9000")).limiter();
  ASSERT_TRUE(a);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other_host);
  EXPECT_NE(a, other_venue);
  EXPECT_EQ(a->limit(), 300);  // Binance: 300 attempts per 5 minutes per IP
  EXPECT_EQ(a->window(), minutes{5});
}

// REST limits are per IP too: one limiter per venue and REST host (the
// WebSocket host does not matter).
TEST(Engine, FeedsOfOneVenueAtOneHostShareItsRestLimits) {
  engine e;
  const auto& a = e.add_feed(config("a", "binance-spot", "127.0.0.1:9000", "127.0.0.9:80")).rest_limits();
  const auto& b = e.add_feed(config("b", "binance-spot", "127.0.0.3:9000", "127.0.0.9:80")).rest_limits();
  const auto& other_host = e.add_feed(config("c", "binance-spot", "127.0.0.1:9000", "127.0.0.2:80")).rest_limits();
  const auto& okx = e.add_feed(config("d", "okx", "127.0.0.1:9000")).rest_limits();
  ASSERT_TRUE(a);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other_host);
  EXPECT_NE(a, okx);
  EXPECT_EQ(a->capacity("REQUEST_WEIGHT"), 4800);  // 80 % of 6 000 a minute
  EXPECT_EQ(okx->capacity("history-trades"), 16);   // 80 % of 20 per 2 s
  EXPECT_EQ(okx->capacity("books"), 32);
}

// A feed told other limits than the venue's documented ones keeps them to
// itself; the shared limiters stay as they were.
TEST(Engine, AFeedWithLimitsOfItsOwnDoesNotShareThem) {
  engine e;
  const auto& shared = e.add_feed(config("a", "binance-spot", "127.0.0.1:9000"));
  auto c = config("b", "binance-spot", "127.0.0.1:9000");
  c.connects_per_window = 0;
  c.rest_limits = std::vector<rest_limit>{{"REQUEST_WEIGHT", 1000, seconds{1}}};
  const auto& own = e.add_feed(c);
  EXPECT_NE(own.limiter(), shared.limiter());
  EXPECT_EQ(own.limiter()->limit(), 0);
  EXPECT_NE(own.rest_limits(), shared.rest_limits());
  EXPECT_EQ(own.rest_limits()->capacity("REQUEST_WEIGHT"), 800);
  EXPECT_EQ(shared.rest_limits()->capacity("REQUEST_WEIGHT"), 4800);
  EXPECT_EQ(e.add_feed(config("c", "binance-spot", "127.0.0.1:9000")).limiter(), shared.limiter());
  // A refusal for rate holds both: the venue bans the IP, whatever the feed was told.
  own.rest_limits()->hold_until(time_point{} + hours{2});
  EXPECT_EQ(shared.rest_limits()->held_until(), time_point{} + hours{2});
}

}  // namespace
}  // namespace sf
