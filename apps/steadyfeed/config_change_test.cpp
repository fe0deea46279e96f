#include "config_change.hpp"

#include <gtest/gtest.h>

namespace sf::daemon {
namespace {

daemon_config config(std::string_view feeds, std::string_view rest = "") {
  return parse_config(std::string(rest) + "feeds:\n" + std::string(feeds));
}

TEST(ConfigChange, StreamsOnlyAreSentAsTheDifferencePerChannel) {
  const auto running = config("  - {venue: okx, symbols: [BTC-USDT, ETH-USDT], channels: [trades, book]}\n"
                              "  - {venue: binance-spot, symbols: [BTCUSDT]}\n");
  const auto next = config("  - {venue: okx, symbols: [BTC-USDT, SOL-USDT], channels: [trades, book]}\n"
                           "  - {venue: binance-spot, symbols: [BTCUSDT]}\n");
  std::map<std::string, stream_set> streams;
  for (const auto& f : running.feeds) streams[f.id] = streams_of(f);
  const auto c = diff(running, streams, next);
  ASSERT_EQ(c.resubscribed.size(), 1u);
  const auto& r = c.resubscribed[0];
  EXPECT_EQ(r.feed, "okx");
  EXPECT_EQ(r.subscribe.at("trades"), std::vector<std::string>{"SOL-USDT"});
  EXPECT_EQ(r.subscribe.at("book"), std::vector<std::string>{"SOL-USDT"});
  EXPECT_EQ(r.unsubscribe.at("trades"), std::vector<std::string>{"ETH-USDT"});
  EXPECT_EQ(r.unsubscribe.at("book"), std::vector<std::string>{"ETH-USDT"});
  EXPECT_EQ(c.unchanged, std::vector<std::string>{"binance-spot"});
  EXPECT_TRUE(c.added.empty() && c.removed.empty() && c.needs_restart.empty());
  const auto lines = c.describe();
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "feed okx: +book SOL-USDT +trades SOL-USDT -book ETH-USDT -trades ETH-USDT"),
            lines.end());
}

TEST(ConfigChange, TheRunningStreamsAreWhatTheApiLeft) {
  const auto running = config("  - {venue: okx, symbols: [BTC-USDT], channels: [trades]}\n");
  // The API added ETH-USDT trades; the file does not have it.
  std::map<std::string, stream_set> streams{{"okx", {{"BTC-USDT", "trades"}, {"ETH-USDT", "trades"}}}};
  const auto c = diff(running, streams, running);
  ASSERT_EQ(c.resubscribed.size(), 1u);
  EXPECT_TRUE(c.resubscribed[0].subscribe.empty());
  EXPECT_EQ(c.resubscribed[0].unsubscribe.at("trades"), std::vector<std::string>{"ETH-USDT"});
}

TEST(ConfigChange, FeedsAddedAndRemovedAndASettingsChangeTakesARestart) {
  const auto running = config("  - {id: a, venue: okx, symbols: [BTC-USDT]}\n"
                              "  - {id: b, venue: okx, symbols: [ETH-USDT]}\n"
                              "  - {id: c, venue: binance-spot, symbols: [BTCUSDT]}\n");
  const auto next = config("  - {id: a, venue: okx, symbols: [BTC-USDT], redundancy: 2}\n"
                           "  - {id: c, venue: binance-spot, symbols: [BTCUSDT]}\n"
                           "  - {id: d, venue: binance-spot, symbols: [ETHUSDT]}\n");
  const auto c = diff(running, {}, next);
  EXPECT_EQ(c.needs_restart, std::vector<std::string>{"feed a: feeds[].redundancy: 1 → 2"});
  EXPECT_TRUE(c.resubscribed.empty());
  EXPECT_EQ(c.removed, std::vector<std::string>{"b"});
  ASSERT_EQ(c.added.size(), 1u);
  EXPECT_EQ(c.added[0].id, "d");
  EXPECT_EQ(c.unchanged, std::vector<std::string>{"c"});
}

TEST(ConfigChange, SupervisorAndGlobalSettingsTakeARestartAndSecretsAreNotShown) {
  const std::string feeds = "  - {venue: okx, symbols: [BTC-USDT]}\n";
  const auto running = config(feeds, "api: {token: old-secret}\n");
  const auto next = config(feeds, "supervisor: {idle_timeout: 45s}\nworkers: 2\napi: {token: new-secret}\n"
                                  "alerts: {webhook: {url: \"http://127.0.0.1:9/hook?key=secret\"}}\n");
  const auto c = diff(running, {}, next);
  ASSERT_EQ(c.needs_restart.size(), 4u);
  EXPECT_EQ(c.needs_restart[0], "feed okx: supervisor.idle_timeout: 1m → 45s");
  EXPECT_EQ(c.needs_restart[1], "workers: one per core → 2");
  EXPECT_EQ(c.needs_restart[2], "api.token: changed");  // never the secret itself
  EXPECT_EQ(c.needs_restart[3], "alerts.webhook.url: changed");  // a URL may carry one
  EXPECT_TRUE(c.describe().empty());
  EXPECT_TRUE(c.unchanged.empty());
}

TEST(ConfigChange, StreamsChangeLiveEvenWhenOtherSettingsWaitForARestart) {
  const auto running = config("  - {venue: okx, symbols: [BTC-USDT]}\n");
  const auto next = config("  - {venue: okx, symbols: [BTC-USDT, ETH-USDT], redundancy: 2}\n");
  const auto c = diff(running, {}, next);
  EXPECT_EQ(c.needs_restart, std::vector<std::string>{"feed okx: feeds[].redundancy: 1 → 2"});
  ASSERT_EQ(c.resubscribed.size(), 1u);
  EXPECT_EQ(c.resubscribed[0].subscribe.at("trades"), std::vector<std::string>{"ETH-USDT"});
  EXPECT_TRUE(c.unchanged.empty());
}

TEST(ConfigChange, NothingChangedIsAllUnchanged) {
  const auto running = config("  - {venue: okx, symbols: [BTC-USDT]}\n");
  const auto c = diff(running, {}, running);
  EXPECT_EQ(c.unchanged, std::vector<std::string>{"okx"});
  EXPECT_EQ(c.describe(), std::vector<std::string>{"feed okx: unchanged"});
}

}  // namespace
}  // namespace sf::daemon
