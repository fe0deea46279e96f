#include "sim/okx_venue.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sim/okx_checksum.hpp"
#include "sim/testing/recording_link.hpp"

namespace sf::sim {
namespace {

namespace json = boost::json;
using testing::recording_link;

const okx_venue venue;

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
  market_registry out({"okx"}, {"BTCUSDT", "ETHUSDT"}, c);
  struct ignore final : market_stream::listener {
    void on_trade(const market_stream&, const trade_event&) override {}
    void on_book_update(const market_stream&, const book_update&) override {}
  } sink;
  out.advance_to(seconds{1}, sink);
  return out;
}

TEST(OkxVenue, SpellsSymbolsBaseDashQuoteAndPrintsShortestDecimals) {
  EXPECT_EQ(venue.name(), "okx");
  EXPECT_EQ(venue.symbol_of(*make_instrument("BTCUSDT")), "BTC-USDT");
  EXPECT_EQ(venue.symbol_of(*make_instrument("ETHBTC")), "ETH-BTC");
  EXPECT_EQ(venue.symbol_of(*make_instrument("BTCFDUSD")), "BTC-FDUSD");
  EXPECT_EQ(venue.numbers(), number_style::trimmed);
}

TEST(OkxVenue, DefaultsAreTheDocumentedRulesAComputedChecksumAndAMinutesKeepAlive) {
  const auto s = venue.defaults();
  EXPECT_EQ(s.rules.limits.lifetime, duration{0});
  EXPECT_EQ(s.rules.limits.ping_interval, duration{0});
  EXPECT_EQ(s.rules.limits.idle_timeout, seconds{30});
  EXPECT_DOUBLE_EQ(s.rules.limits.inbound_per_second * 3600, 480);
  EXPECT_EQ(s.rules.limits.inbound_window, hours{1});
  EXPECT_EQ(s.rules.limits.max_topics, 1000u);
  EXPECT_EQ(s.rules.connects_per_window, 3);
  EXPECT_EQ(s.rules.connect_window, seconds{1});
  EXPECT_EQ(okx_venue::checksum_of(s), okx_ws::checksum_mode::crc32);
  EXPECT_EQ(venue.book_keepalive(s), seconds{60});
}

TEST(OkxVenue, OptionsAreCheckedByName) {
  auto s = venue.defaults();
  EXPECT_TRUE(venue.check(s).empty());
  s.options["checksum"] = "sha1";
  s.options["keepalive"] = "often";
  s.options["depth"] = "400";
  const auto problems = venue.check(s);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0], "checksum: 'sha1' is neither crc32 nor zero");
  EXPECT_EQ(problems[1], "depth: unknown option; expected checksum or keepalive");
  EXPECT_EQ(problems[2], "keepalive: 'often' is not a duration (e.g. 500ms, 30s, 24h)");
}

TEST(OkxVenue, FlagsSetTheIdleRuleTheChecksumAndTheKeepAlive) {
  auto s = venue.defaults();
  EXPECT_EQ(flag("--idle-timeout").apply("2s", s), std::nullopt);
  EXPECT_EQ(flag("--okx-checksum").apply("zero", s), std::nullopt);
  EXPECT_EQ(flag("--okx-keepalive").apply("150ms", s), std::nullopt);
  EXPECT_EQ(s.rules.limits.idle_timeout, seconds{2});
  EXPECT_EQ(okx_venue::checksum_of(s), okx_ws::checksum_mode::zero);
  EXPECT_EQ(venue.book_keepalive(s), milliseconds{150});
  EXPECT_EQ(flag("--okx-keepalive").apply("0s", s), std::nullopt);
  EXPECT_EQ(venue.book_keepalive(s), duration{0});
  EXPECT_EQ(flag("--okx-checksum").apply("crc", s), "'crc' is neither crc32 nor zero");
  EXPECT_EQ(okx_venue::checksum_of(s), okx_ws::checksum_mode::zero);
}

TEST(OkxVenue, SessionsOpenOnThePublicPathWithAConnectionIdDrawnFromTheConnection) {
  const auto m = markets();
  const auto settings = venue.defaults();
  sf::rng rng(7);
  EXPECT_FALSE(venue.open_session("/ws/v5/private", {settings, m, rng}));
  EXPECT_FALSE(venue.open_session("/ws/btcusdt@trade", {settings, m, rng}));
  sf::rng expected(7);
  EXPECT_EQ(rng.next(), expected.next());  // a refused target draws nothing

  const auto session = venue.open_session("/ws/v5/public?brokerId=9999", {settings, m, rng});
  ASSERT_TRUE(session);
  char id[9];
  std::snprintf(id, sizeof id, "%08x", static_cast<unsigned>(expected.next() & 0xffffffffu));
  EXPECT_EQ(session->describe_fields(), R"(,"connId":")" + std::string(id) + "\"");
  EXPECT_EQ(rng.next(),
            expected.next());  // exactly one draw: what follows (garbage faults) stays the same
}

TEST(OkxVenue, SessionsUseTheChecksumOption) {
  const auto m = markets();
  auto settings = venue.defaults();
  const auto& btc = *m.find("okx", "BTC-USDT");
  for (const auto* mode : {"crc32", "zero"}) {
    settings.options["checksum"] = mode;
    sf::rng rng(1);
    auto session = venue.open_session("/ws/v5/public", {settings, m, rng});
    ASSERT_TRUE(session);
    recording_link link;
    session->on_text(R"({"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})",
                     link);
    ASSERT_EQ(link.frames.size(), 2u);
    const auto snapshot = json::parse(link.frames[1]);
    EXPECT_EQ(snapshot.at("data").at(0).at("checksum").as_int64(),
              std::string_view(mode) == "zero" ? 0 : okx_checksum(btc.book()));
  }
}

TEST(OkxVenue, RestRoutesAnswerFromTheMarketsWithTheVenuesErrors) {
  const auto m = markets();
  EXPECT_TRUE(venue.serves_rest("/api/v5/market/books"));
  EXPECT_FALSE(venue.serves_rest("/api/v5/public/instruments"));
  EXPECT_FALSE(venue.serves_rest("/api/v3/depth"));

  const auto books =
      venue.rest("/api/v5/market/books", rest_query("instId=BTC-USDT&sz=3"), m, 1700000000123'000);
  EXPECT_EQ(books.status, 200);
  const auto data = json::parse(books.body).at("data").at(0);
  EXPECT_EQ(data.at("asks").as_array().size(), 3u);
  EXPECT_EQ(data.at("ts"), "1700000000123");

  const auto trades =
      venue.rest("/api/v5/market/trades", rest_query("instId=ETH-USDT&limit=2"), m, 0);
  const auto list = json::parse(trades.body).at("data").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list.front().at("tradeId").as_string(),
            std::to_string(m.find("okx", "ETH-USDT")->last_trade_id()));  // newest first

  const auto unknown = venue.rest("/api/v5/market/books", rest_query("instId=BTCUSDT"), m, 0);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body, R"({"code":"51001","msg":"Instrument ID does not exist","data":[]})");
}

TEST(OkxVenue, InjectedFailuresAndRefusalsUseTheVenuesBodies) {
  const auto limited = venue.rest_error(429);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(json::parse(limited.body).at("code"), "50011");
  const auto failed = venue.rest_error(503);
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(json::parse(failed.body).at("code"), "50001");
  const auto refused = venue.too_many_connections();
  EXPECT_EQ(refused.status, 429);
  ASSERT_EQ(refused.headers.size(), 1u);
  EXPECT_EQ(refused.headers[0].first, "Retry-After");
}

TEST(OkxVenue, BooksHaveChecksumsAndResetsButNoWindows) {
  EXPECT_TRUE(venue.book_windows().empty());
  EXPECT_TRUE(venue.has_book_checksums());
  EXPECT_TRUE(venue.restarts_sequences());
}

}  // namespace
}  // namespace sf::sim
