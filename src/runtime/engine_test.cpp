#include "steadyfeed/runtime/engine.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

feed_config config(std::string id, std::string venue, std::string host) {
  feed_config c;
  c.id = std::move(id);
  c.venue = std::move(venue);
  c.symbols = {c.venue == "okx" ? "BTC-USDT" : "BTCUSDT"};
  c.channels = {"trades"};
  c.ws_url = "ws://" + host + "/ws";
  c.rest_url = "http://" + host;
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

}  // namespace
}  // namespace sf
