#include "sim/binance_spot_venue.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sf::sim {
namespace {

namespace json = boost::json;

const binance_spot_venue venue;

const venue_flag& flag(std::string_view name) {
  static const auto flags = venue.flags();
  for (const auto& f : flags)
    if (f.name == name) return f;
  throw std::out_of_range(std::string(name));
}

market_registry markets() {
  market_config c;
  c.depth = 10;
  c.rate = 100;
  market_registry out({"binance-spot"}, {"BTCUSDT", "ETHUSDT"}, c);
  struct ignore final : market_stream::listener {
    void on_trade(const market_stream&, const trade_event&) override {}
    void on_book_update(const market_stream&, const book_update&) override {}
  } sink;
  out.advance_to(seconds{1}, sink);
  return out;
}

TEST(BinanceSpotVenue, SpellsSymbolsAsGivenAndPrintsEightDecimals) {
  EXPECT_EQ(venue.name(), "binance-spot");
  EXPECT_EQ(venue.symbol_of(*make_instrument("BTCUSDT")), "BTCUSDT");
  EXPECT_EQ(venue.symbol_of(*make_instrument("ETHBTC")), "ETHBTC");
  EXPECT_EQ(venue.numbers(), number_style::fixed8);
}

TEST(BinanceSpotVenue, DefaultsAreTheDocumentedRulesAndThereAreNoOptions) {
  const auto s = venue.defaults();
  EXPECT_EQ(s.rules.limits.lifetime, hours{24});
  EXPECT_EQ(s.rules.limits.ping_interval, seconds{20});
  EXPECT_EQ(s.rules.limits.pong_timeout, seconds{60});
  EXPECT_EQ(s.rules.limits.idle_timeout, duration{0});
  EXPECT_EQ(s.rules.limits.inbound_per_second, 5);
  EXPECT_EQ(s.rules.limits.max_topics, 1024u);
  EXPECT_EQ(s.rules.connects_per_window, 300);
  EXPECT_EQ(s.rules.connect_window, minutes{5});
  EXPECT_TRUE(s.options.empty());
  auto with_option = s;
  with_option.options["checksum"] = "zero";
  EXPECT_EQ(venue.check(with_option).size(), 1u);
}

TEST(BinanceSpotVenue, FlagsScaleTheRules) {
  auto s = venue.defaults();
  EXPECT_EQ(flag("--lifetime").apply("3s", s), std::nullopt);
  EXPECT_EQ(flag("--ping-interval").apply("250ms", s), std::nullopt);
  EXPECT_EQ(flag("--pong-timeout").apply("1s", s), std::nullopt);
  EXPECT_EQ(s.rules.limits.lifetime, seconds{3});
  EXPECT_EQ(s.rules.limits.ping_interval, milliseconds{250});
  EXPECT_EQ(s.rules.limits.pong_timeout, seconds{1});
  EXPECT_EQ(flag("--lifetime").apply("soon", s), "'soon' is not a duration (e.g. 500ms, 30s, 24h)");
  EXPECT_EQ(s.rules.limits.lifetime, seconds{3});
}

TEST(BinanceSpotVenue, SessionsOpenOnStreamEndpointsWithinTheConfiguredStreamLimit) {
  const auto m = markets();
  auto settings = venue.defaults();
  sf::rng rng(1);
  const sf::rng untouched(1);
  EXPECT_TRUE(venue.open_session("/ws/btcusdt@trade/ethusdt@trade", {settings, m, rng}));
  EXPECT_FALSE(venue.open_session("/api/v3/depth", {settings, m, rng}));
  settings.rules.limits.max_topics = 1;
  EXPECT_FALSE(venue.open_session("/ws/btcusdt@trade/ethusdt@trade", {settings, m, rng}));
  EXPECT_TRUE(venue.open_session("/stream?streams=btcusdt@trade", {settings, m, rng}));
  auto copy = untouched;
  EXPECT_EQ(rng.next(), copy.next());  // nothing drawn from the connection's generator
}

TEST(BinanceSpotVenue, RestRoutesAnswerFromTheMarketsWithTheVenuesErrors) {
  const auto m = markets();
  EXPECT_TRUE(venue.serves_rest("/api/v3/depth"));
  EXPECT_TRUE(venue.serves_rest("/api/v3/anything"));
  EXPECT_FALSE(venue.serves_rest("/api/v5/market/books"));
  EXPECT_FALSE(venue.serves_rest("/ws"));

  const auto depth = venue.rest("/api/v3/depth", rest_query("symbol=ETHUSDT&limit=2"), m, 0);
  EXPECT_EQ(depth.status, 200);
  const auto book = json::parse(depth.body);
  EXPECT_EQ(book.at("lastUpdateId").as_int64(),
            static_cast<std::int64_t>(m.find("binance-spot", "ETHUSDT")->last_seq()));
  EXPECT_EQ(book.at("bids").as_array().size(), 2u);

  const auto trades = venue.rest("/api/v3/aggTrades", rest_query("symbol=BTCUSDT&limit=3"), m, 0);
  EXPECT_EQ(trades.status, 200);
  const auto list = json::parse(trades.body).as_array();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list.back().at("a").as_int64(),
            static_cast<std::int64_t>(m.find("binance-spot", "BTCUSDT")->last_trade_id()));

  const auto unknown = venue.rest("/api/v3/depth", rest_query("symbol=BTC-USDT"), m, 0);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body, R"({"code":-1121,"msg":"Invalid symbol."})");
  EXPECT_EQ(venue.rest("/api/v3/klines", rest_query("symbol=BTCUSDT"), m, 0).status, 404);
}

TEST(BinanceSpotVenue, InjectedFailuresAndRefusalsUseTheVenuesBodies) {
  const auto limited = venue.rest_error(429);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(json::parse(limited.body).at("code").as_int64(), -1003);
  const auto failed = venue.rest_error(502);
  EXPECT_EQ(failed.status, 502);
  EXPECT_EQ(json::parse(failed.body).at("code").as_int64(), -1001);
  const auto refused = venue.too_many_connections();
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body, R"({"code":-1003,"msg":"Too many new connections."})");
  ASSERT_EQ(refused.headers.size(), 1u);
  EXPECT_EQ(refused.headers[0], (std::pair<std::string, std::string>{"Retry-After", "1"}));
}

TEST(BinanceSpotVenue, BooksArePushedPerWindowAndNothingElseIsSpecial) {
  EXPECT_EQ(venue.book_windows(), (std::vector<duration>{milliseconds{100}, seconds{1}}));
  EXPECT_EQ(venue.book_keepalive(venue.defaults()), duration{0});
  EXPECT_FALSE(venue.has_book_checksums());
  EXPECT_FALSE(venue.restarts_sequences());
}

}  // namespace
}  // namespace sf::sim
