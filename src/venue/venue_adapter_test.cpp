#include "steadyfeed/venue/venue_adapter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sf {
namespace {

TEST(VenueAdapter, FactoryKnowsBothVenues) {
  const auto names = known_venues();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_NE(std::find(names.begin(), names.end(), "binance-spot"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "okx"), names.end());
  for (const auto name : names) {
    auto v = make_venue_adapter(name);
    ASSERT_NE(v, nullptr) << name;
    EXPECT_EQ(v->name(), name);
  }
  EXPECT_EQ(make_venue_adapter("bybit"), nullptr);
  EXPECT_EQ(make_venue_adapter(""), nullptr);
}

TEST(VenueAdapter, EmptyEndpointsMeanProduction) {
  const std::vector<std::string> none;
  EXPECT_EQ(make_venue_adapter("binance-spot")->url(none), "wss://stream.binance.com:9443/stream");
  EXPECT_EQ(make_venue_adapter("binance-spot")->rest_url(), "https://api.binance.com");
  EXPECT_EQ(make_venue_adapter("okx")->url(none), "wss://ws.okx.com:8443/ws/v5/public");
  EXPECT_EQ(make_venue_adapter("okx")->rest_url(), "https://www.okx.com");
}

TEST(VenueAdapter, LocalEndpointsForTheSimulator) {
  auto binance = make_venue_adapter(
      "binance-spot", {"ws://127.0.0.1:9000/binance-spot", "http://127.0.0.1:9000/binance-spot"});
  const std::vector<std::string> topics = {binance->topic(channel::trades, "BTCUSDT"),
                                           binance->topic(channel::book, "BTCUSDT")};
  EXPECT_EQ(binance->url(topics),
            "ws://127.0.0.1:9000/binance-spot/stream?streams=btcusdt@trade/btcusdt@depth@100ms");
  EXPECT_EQ(binance->rest_url() + binance->book_snapshot_request("BTCUSDT").target,
            "http://127.0.0.1:9000/binance-spot/api/v3/depth?symbol=BTCUSDT&limit=1000");
  auto okx = make_venue_adapter(
      "okx", {"ws://127.0.0.1:9000/okx/ws/v5/public", "http://127.0.0.1:9000/okx"});
  EXPECT_EQ(okx->url(topics), "ws://127.0.0.1:9000/okx/ws/v5/public");
  EXPECT_EQ(okx->rest_url() + okx->book_snapshot_request("BTC-USDT").target,
            "http://127.0.0.1:9000/okx/api/v5/market/books?instId=BTC-USDT&sz=400");
}

TEST(VenueAdapter, TopicsOfEveryVenueRoundTrip) {
  for (const auto name : known_venues()) {
    auto v = make_venue_adapter(name);
    const std::string symbol = name == "okx" ? "ETH-USDT" : "ETHUSDT";
    for (const channel c : {channel::trades, channel::book}) {
      const auto parsed = v->parse_topic(v->topic(c, symbol));
      ASSERT_TRUE(parsed) << name << " " << to_string(c);
      EXPECT_EQ(parsed->first, c);
      EXPECT_EQ(parsed->second, symbol);
    }
  }
}

TEST(Channel, Names) {
  EXPECT_EQ(to_string(channel::trades), "trades");
  EXPECT_EQ(to_string(channel::book), "book");
  EXPECT_EQ(parse_channel("trades"), channel::trades);
  EXPECT_EQ(parse_channel("book"), channel::book);
  EXPECT_EQ(parse_channel("books"), std::nullopt);
}

}  // namespace
}  // namespace sf
