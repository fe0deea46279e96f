#include "config.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "config_key.hpp"
#include "profile.hpp"

namespace sf::daemon {
namespace {

TEST(Config, ReadsAFullConfiguration) {
  const auto c = parse_config(R"(
supervisor:
  profile: development
  idle_timeout: 45s
  backoff: {initial: 250ms, max: 1m, jitter: 0.1, jitter_mode: full}
feeds:
  - venue: binance-spot
    symbols: [BTCUSDT, ETHUSDT]
    channels: [trades, book]
    redundancy: 2
    endpoints: {ws: "ws://127.0.0.1:9000/binance-spot", rest: "http://127.0.0.1:9000/binance-spot"}
  - venue: okx
    symbols: BTC-USDT
sinks:
  files: {dir: /tmp/data, flush_interval: 500ms}
api: {listen: "127.0.0.1:9090", token: secret}
)");
  EXPECT_EQ(c.profile, "development");
  EXPECT_EQ(c.supervisor.idle_timeout, seconds{45});
  EXPECT_EQ(c.supervisor.backoff.initial, milliseconds{250});
  EXPECT_EQ(c.supervisor.backoff.max, minutes{1});
  EXPECT_EQ(c.supervisor.backoff.jitter, jitter_mode::full);
  ASSERT_EQ(c.feeds.size(), 2u);
  EXPECT_EQ(c.feeds[0].id, "binance-spot");
  EXPECT_EQ(c.feeds[0].redundancy, 2);
  EXPECT_EQ(c.feeds[0].ws_url, "ws://127.0.0.1:9000/binance-spot");
  EXPECT_EQ(c.feeds[1].symbols, std::vector<std::string>{"BTC-USDT"});
  EXPECT_EQ(c.feeds[1].channels, (std::vector<std::string>{"trades", "book"}));
  EXPECT_EQ(c.files.flush_interval, milliseconds{500});
  EXPECT_EQ(c.api.token, "secret");
}

TEST(Config, LogLevelNamesASeverity) {
  const auto defaults = parse_config("feeds: [{venue: okx, symbols: [BTC-USDT]}]\n");
  EXPECT_EQ(defaults.log.level, "warning");
  const auto info = parse_config("feeds: [{venue: okx, symbols: [BTC-USDT]}]\nlog: {level: info}\n");
  EXPECT_EQ(info.log.level, "info");
  try {
    parse_config("feeds: [{venue: okx, symbols: [BTC-USDT]}]\nlog: {level: debug}\n", "s.yaml");
    FAIL() << "expected a config_error";
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("s.yaml:2: log.level: unknown level 'debug' (known: info, notice, warning, "
                                         "critical)"),
              std::string::npos)
        << e.what();
  }
}

TEST(Config, ReportsEveryProblemWithLineAndKey) {
  try {
    parse_config(R"(supervisor:
  profile: turbo
  idle_timout: 5s
feeds:
  - venue: binanse
    symbols: []
    redundancy: two
    channels: [trades, candles]
  - venue: okx
    symbols: [BTC-USDT]
    endpoints: {ws: "http://wrong"}
api: {listen: nowhere}
)",
                 "steadyfeed.yaml");
    FAIL() << "expected a config_error";
  } catch (const config_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.problems().size(), 8u) << what;
    EXPECT_NE(what.find("steadyfeed.yaml:2: supervisor.profile: unknown profile 'turbo'"), std::string::npos) << what;
    EXPECT_NE(what.find("steadyfeed.yaml:3: supervisor.idle_timout: unknown key"), std::string::npos) << what;
    EXPECT_NE(what.find("steadyfeed.yaml:5: feeds[0].venue: unknown venue 'binanse' (known: binance-spot, okx)"),
              std::string::npos) << what;
    EXPECT_NE(what.find("feeds[0].symbols: at least one symbol"), std::string::npos) << what;
    EXPECT_NE(what.find("steadyfeed.yaml:7: feeds[0].redundancy: expected an integer from 1 to 8, got 'two'"),
              std::string::npos) << what;
    EXPECT_NE(what.find("feeds[0].channels[1]: unknown channel 'candles'"), std::string::npos) << what;
    EXPECT_NE(what.find("feeds[1].endpoints.ws: 'http://wrong' is not a ws:// or wss:// URL"), std::string::npos)
        << what;
    EXPECT_NE(what.find("api.listen: expected HOST:PORT, got 'nowhere'"), std::string::npos) << what;
  }
}

TEST(Config, BadYamlAndEmptyFilesAreClearErrors) {
  EXPECT_THROW(parse_config("feeds: [unclosed"), config_error);
  try {
    parse_config("");
    FAIL();
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos);
  }
  try {
    parse_config("feeds:\n  - venue: okx\n    symbols: [BTC-USDT]\nsinks: {files: {enabled: false}}\n");
    FAIL();
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("no sink is enabled"), std::string::npos);
  }
  EXPECT_THROW(load_config("/nonexistent/steadyfeed.yaml"), config_error);
}

TEST(Config, SupervisorValidationIsReportedToo) {
  try {
    parse_config("supervisor: {stale_min: 10m, stale_max: 1m}\nfeeds: [{venue: okx, symbols: [A-B]}]\n");
    FAIL();
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("stale_max must be at least stale_min"), std::string::npos) << e.what();
  }
}

TEST(Config, DuplicateFeedsGetDistinctIds) {
  const auto c = parse_config("feeds:\n  - {venue: okx, symbols: [A-B]}\n  - {venue: okx, symbols: [C-D]}\n");
  EXPECT_EQ(c.feeds[0].id, "okx");
  EXPECT_EQ(c.feeds[1].id, "okx-2");
  EXPECT_THROW(parse_config("feeds:\n  - {id: x, venue: okx, symbols: [A]}\n  - {id: x, venue: okx, symbols: [B]}\n"),
               config_error);
}

TEST(Config, DurationsParseAndPrint) {
  EXPECT_EQ(parse_duration("1h30m"), minutes{90});
  EXPECT_EQ(parse_duration("250ms"), milliseconds{250});
  EXPECT_EQ(parse_duration("0"), duration{0});
  EXPECT_FALSE(parse_duration("5 minutes"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_EQ(format_duration(hours{24}), "24h");
  EXPECT_EQ(format_duration(milliseconds{1500}), "1500ms");
}

TEST(Config, CheckConfigSaysWhereEachProfiledValueCameFrom) {
  const auto c = parse_config(R"(
supervisor:
  profile: high-load
  connect_timeout: 7s
  ws_ping_interval: 15s  # the profile's own value, repeated
alerts: {threshold: 9}
feeds:
  - {venue: okx, symbols: [BTC-USDT]}
)");
  const std::string yaml = to_yaml(c);
  for (const auto* line : {"  profile: high-load\n", "  connect_timeout: 7s  # this file (profile high-load: 15s)\n",
                           "  ws_ping_interval: 15s  # profile high-load\n",
                           "    max_attempts: 15  # profile high-load\n", "    multiplier: 1.5  # profile high-load\n",
                           "  health_check_interval: 15s  # profile high-load\n",
                           "  threshold: 9  # this file (profile high-load: 5)\n",
                           "  # app_ping_interval: the venue's own"})
    EXPECT_NE(yaml.find(line), std::string::npos) << line << "\n" << yaml;
  // And it reads back to the same values.
  const auto again = parse_config(yaml);
  EXPECT_EQ(again.supervisor.connect_timeout, seconds{7});
  EXPECT_EQ(again.alerts.threshold, 9);
  EXPECT_EQ(again.supervisor.backoff.max_attempts, 15);
}

TEST(Config, WithoutAProfileTheValuesAreProductions) {
  const auto c = parse_config("feeds:\n  - {venue: okx, symbols: [BTC-USDT]}\n");
  const auto production = *profile::named("production");
  EXPECT_EQ(c.profile, "production");
  EXPECT_EQ(c.supervisor.backoff.max_attempts, production.supervisor.backoff.max_attempts);
  EXPECT_EQ(c.supervisor.backoff.max, production.supervisor.backoff.max);
  EXPECT_EQ(c.supervisor.health_check_interval, production.supervisor.health_check_interval);
  EXPECT_EQ(c.supervisor.ws_ping_interval, production.supervisor.ws_ping_interval);
  EXPECT_EQ(c.supervisor.reconnect_cluster, production.supervisor.reconnect_cluster);
  EXPECT_EQ(c.alerts.threshold, production.alert_threshold);
  const std::string yaml = to_yaml(c);
  EXPECT_EQ(yaml.find("# this file"), std::string::npos) << yaml;
}

TEST(Config, ResolvedConfigRoundTrips) {
  const auto c = parse_config("feeds:\n  - {venue: binance-spot, symbols: [BTCUSDT]}\n");
  const std::string yaml = to_yaml(c);
  EXPECT_NE(yaml.find("profile: production"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("idle_timeout: 1m"), std::string::npos) << yaml;
  EXPECT_NO_THROW(parse_config(yaml.substr(0, yaml.find("feeds:")) + "feeds:\n  - {venue: okx, symbols: [A-B]}\n"));

  // Everything set otherwise than by default, globally and per feed, reads
  // back to the same value of every key of every feed, and prints the same.
  const auto rich = parse_config(R"(
workers: 3
supervisor:
  profile: high-load
  pong_timeout: 7s
  app_ping_interval: 20s
  backoff: {jitter_mode: full, max_attempts: 12}
feeds:
  - {venue: okx, symbols: [btcusdt], channels: [book], redundancy: 2, lifetime: 2h, ws_ping_interval: 15s}
  - {id: spot, venue: binance-spot, symbols: [ETHUSDT], rotation_margin: 0, pong_timeout: 3s,
     endpoints: {ws: "ws://127.0.0.1:9000/binance-spot"}}
sinks: {files: {dir: "/var/lib/steady feed", fsync: true}, stdout: {enabled: true}}
api: {enabled: false, listen: "0.0.0.0:9100"}
)");
  const std::string printed = to_yaml(rich);
  const auto again = parse_config(printed, "printed.yaml");
  EXPECT_EQ(to_yaml(again), printed);
  ASSERT_EQ(again.feeds.size(), rich.feeds.size());
  // Endpoints are compared resolved: check-config writes the production ones out.
  const auto value = [](const config_key& key, const daemon_config& config, const feed_config& f) {
    if (key.venue_value && key.type == key_type::string)
      return key.venue_value(*make_venue_adapter(f.venue, {f.ws_url, f.rest_url}));
    return key.get(config, f);
  };
  for (const auto& key : config_keys())
    for (std::size_t i = 0; i < (key.per_feed() ? rich.feeds.size() : 1); ++i) {
      const feed_config none;
      EXPECT_TRUE(value(key, rich, key.per_feed() ? rich.feeds[i] : none) ==
                  value(key, again, key.per_feed() ? again.feeds[i] : none))
          << key.path << " of feed " << i << "\n"
          << printed;
    }
  // The settings a feed leaves to its venue are printed as the venue's own,
  // in comments: read back, they are still the venue's.
  const auto okx = make_venue_adapter("okx");
  // The global one, printed with each feed.
  EXPECT_NE(printed.find("    pong_timeout: 7s\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("    pong_timeout: 3s\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("    lifetime: 2h\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find(fmt::format(
                "    # lifetime: {} (binance-spot's own)\n",
                format_duration(make_venue_adapter("binance-spot")->limits().lifetime))),
            std::string::npos)
      << printed;
  EXPECT_NE(printed.find("    app_ping_interval: 20s  # binance-spot does not use it\n"),
            std::string::npos)
      << printed;
  EXPECT_EQ(printed.find("workers: 3\n"), 0u) << printed;
  EXPECT_FALSE(again.supervisor.lifetime);
  EXPECT_FALSE(again.feeds[1].supervisor.lifetime);
  EXPECT_EQ(again.feeds[1].supervisor.ws_ping_interval, seconds{15});  // high-load's, from the supervisor section
  EXPECT_EQ(again.feeds[0].supervisor.ws_ping_interval, seconds{15});
  EXPECT_EQ(again.feeds[1].supervisor.pong_timeout, seconds{3});
  EXPECT_EQ(again.feeds[1].ws_url, "ws://127.0.0.1:9000/binance-spot");
  // Resolved: the production endpoint, written out.
  EXPECT_EQ(again.feeds[0].ws_url, okx->ws_url());
}

}  // namespace
}  // namespace sf::daemon

namespace sf::daemon {
namespace {

TEST(Config, TheShippedDefaultConfigLoads) {
  const auto c = load_config(STEADYFEED_SOURCE_DIR "/config/default.yaml");
  ASSERT_EQ(c.feeds.size(), 2u);
  EXPECT_EQ(c.feeds[0].venue, "binance-spot");
  EXPECT_EQ(c.files.dir, "./data");
}

}  // namespace
}  // namespace sf::daemon

namespace sf::daemon {
namespace {

std::string problems_of(std::string_view yaml) {
  try {
    parse_config(yaml, "t.yaml");
  } catch (const config_error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ConfigMistakes, AnEmptyFeedListIsAnError) {
  const std::string e = problems_of("feeds: []\n");
  EXPECT_NE(e.find("at least one feed is required"), std::string::npos) << e;
}

TEST(ConfigMistakes, TheSameStreamTwiceIsRefusedNamingBothPlaces) {
  std::string e = problems_of("feeds:\n  - {venue: okx, symbols: [BTC-USDT]}\n  - {venue: okx, symbols: [ETH-USDT, BTC-USDT]}\n");
  EXPECT_NE(e.find("t.yaml:3: feeds[1].symbols[1]: okx BTC-USDT is already recorded by feeds[0]"), std::string::npos)
      << e;
  e = problems_of("feeds:\n  - {venue: okx, symbols: [BTC-USDT, ETH-USDT, BTC-USDT]}\n");
  EXPECT_NE(e.find("feeds[0].symbols[2]: 'BTC-USDT' is listed twice (also feeds[0].symbols[0])"), std::string::npos)
      << e;
  e = problems_of("feeds:\n  - {venue: okx, symbols: [BTC-USDT], channels: [trades, book, trades]}\n");
  EXPECT_NE(e.find("feeds[0].channels[2]: 'trades' is listed twice"), std::string::npos) << e;
  // The same symbol on two venues is two streams.
  EXPECT_EQ(problems_of("feeds:\n  - {venue: okx, symbols: [BTC-USDT]}\n  - {venue: binance-spot, symbols: [BTC-USDT]}\n"),
            "accepted");
}

TEST(ConfigMistakes, ADurationTooLongToHoldIsRefusedNotWrapped) {
  EXPECT_FALSE(parse_duration("99999999999999h"));
  EXPECT_FALSE(parse_duration("5124095h"));  // wrapped negative before
  EXPECT_FALSE(parse_duration("2562048h"));  // just past what nanoseconds in 64 bits hold
  EXPECT_EQ(parse_duration("2562047h"), hours{2562047});
  EXPECT_FALSE(parse_duration("2562047h60m"));
  const std::string e = problems_of("supervisor:\n  idle_timeout: 5124095h\nfeeds: [{venue: okx, symbols: [A-B]}]\n");
  EXPECT_NE(e.find("t.yaml:2: supervisor.idle_timeout: expected a duration"), std::string::npos) << e;
}

TEST(ConfigMistakes, AMappingUsedAsAKeyIsAProblemWithALineNeverAnAbort) {
  std::string e = problems_of("feeds: [{venue: okx, symbols: [A-B]}]\n? {a: 1}\n: x\n");
  EXPECT_NE(e.find("t.yaml:2: (key): a key must be a plain name"), std::string::npos) << e;
  e = problems_of("feeds:\n  - venue: okx\n    symbols: [A-B]\n    ? [x, y]\n    : z\n");
  EXPECT_NE(e.find("t.yaml:4: feeds[0].(key): a key must be a plain name"), std::string::npos) << e;
}

}  // namespace
}  // namespace sf::daemon

namespace sf::daemon {
namespace {

TEST(ConfigMistakes, SymbolsAreRespeltForTheVenueAndTheChangeIsSaid) {
  const auto c = parse_config(
      "feeds:\n  - venue: binance-spot\n    symbols: [btcusdt, ETH-USDT]\n  - venue: okx\n    symbols: [BTCUSDT]\n",
      "t.yaml");
  EXPECT_EQ(c.feeds[0].symbols, (std::vector<std::string>{"BTCUSDT", "ETHUSDT"}));
  EXPECT_EQ(c.feeds[1].symbols, (std::vector<std::string>{"BTC-USDT"}));
  ASSERT_EQ(c.notes.size(), 3u);
  EXPECT_EQ(c.notes[0], "t.yaml:3: feeds[0].symbols[0]: 'btcusdt' is spelt BTCUSDT on binance-spot");
  EXPECT_EQ(c.notes[2], "t.yaml:5: feeds[1].symbols[0]: 'BTCUSDT' is spelt BTC-USDT on okx");
  // Two spellings of one market in one feed are one stream twice.
  const std::string e = problems_of("feeds:\n  - {venue: binance-spot, symbols: [BTCUSDT, btcusdt]}\n");
  EXPECT_NE(e.find("'BTCUSDT' is listed twice"), std::string::npos) << e;
}

TEST(ConfigMistakes, ASymbolTheVenueCannotSpellIsRefusedWithTheSpellingItWants) {
  const std::string e = problems_of("feeds:\n  - venue: okx\n    symbols: [XTUSD, BTC USDT]\n");
  EXPECT_NE(e.find("t.yaml:3: feeds[0].symbols[0]: cannot tell base from quote in 'XTUSD'"), std::string::npos) << e;
  EXPECT_NE(e.find("feeds[0].symbols[1]: 'BTC USDT' is not an OKX instrument"), std::string::npos) << e;
}

}  // namespace
}  // namespace sf::daemon

namespace sf::daemon {
namespace {

TEST(ConfigMistakes, LifetimeAndRotationMarginAreSettableGloballyAndPerFeed) {
  const auto c = parse_config(
      "supervisor: {lifetime: 1h, rotation_margin: 2m}\n"
      "feeds:\n  - {venue: okx, symbols: [BTC-USDT], lifetime: 10m, rotation_margin: 30s}\n"
      "  - {venue: binance-spot, symbols: [BTCUSDT]}\n",
      "t.yaml");
  EXPECT_EQ(c.supervisor.lifetime, hours{1});
  EXPECT_EQ(c.feeds[0].supervisor.lifetime, minutes{10});
  EXPECT_EQ(c.feeds[0].supervisor.rotation_margin, seconds{30});
  EXPECT_EQ(c.feeds[1].supervisor.lifetime, hours{1});
  EXPECT_EQ(c.feeds[1].supervisor.rotation_margin, minutes{2});
  const std::string e = problems_of("feeds:\n  - {venue: okx, symbols: [BTC-USDT], lifetime: forever}\n");
  EXPECT_NE(e.find("t.yaml:2: feeds[0].lifetime: expected a duration"), std::string::npos) << e;
  // What check-config prints loads again to the same settings.
  const auto again = parse_config(to_yaml(c), "again.yaml");
  EXPECT_EQ(again.feeds[0].supervisor.lifetime, minutes{10});
  EXPECT_EQ(again.feeds[1].supervisor.rotation_margin, minutes{2});
}

TEST(ConfigMistakes, AnApiReachableFromOtherMachinesNeedsAToken) {
  const std::string feeds = "feeds:\n  - {venue: okx, symbols: [BTC-USDT]}\n";
  std::string e = problems_of(feeds + "api: {listen: \"0.0.0.0:8080\"}\n");
  EXPECT_NE(e.find("t.yaml:3: api.listen: 0.0.0.0:8080 is reachable from other machines, and no api.token"),
            std::string::npos)
      << e;
  EXPECT_NE(problems_of(feeds + "api: {listen: \"[::]:8080\"}\n").find("reachable from other machines"),
            std::string::npos);
  EXPECT_EQ(problems_of(feeds + "api: {listen: \"0.0.0.0:8080\", token: s3cret}\n"), "accepted");
  EXPECT_EQ(problems_of(feeds + "api: {listen: \"0.0.0.0:8080\", enabled: false}\n"), "accepted");
  for (const char* loopback : {"127.0.0.1:8080", "[::1]:8080", "localhost:8080", "127.0.0.2:1"})
    EXPECT_EQ(problems_of(feeds + "api: {listen: \"" + loopback + "\"}\n"), "accepted") << loopback;
}

TEST(ConfigMistakes, TheTokenMayComeFromTheEnvironment) {
  const std::string feeds = "feeds:\n  - {venue: okx, symbols: [BTC-USDT]}\n";
  ::setenv("STEADYFEED_CONFIG_TEST_TOKEN", "from-env", 1);
  const auto c = parse_config(feeds + "api: {listen: \"0.0.0.0:8080\", token_env: STEADYFEED_CONFIG_TEST_TOKEN}\n",
                              "t.yaml");
  EXPECT_EQ(c.api.token, "from-env");
  // check-config says where the token comes from and never prints it.
  const std::string printed = to_yaml(c);
  EXPECT_EQ(printed.find("from-env"), std::string::npos) << printed;
  EXPECT_NE(printed.find("# from $STEADYFEED_CONFIG_TEST_TOKEN"), std::string::npos) << printed;
  EXPECT_EQ(parse_config(printed, "printed.yaml").api.token, "from-env");

  ::unsetenv("STEADYFEED_CONFIG_TEST_TOKEN");
  std::string e = problems_of(feeds + "api: {token_env: STEADYFEED_CONFIG_TEST_TOKEN}\n");
  EXPECT_NE(e.find("api.token_env: the environment variable STEADYFEED_CONFIG_TEST_TOKEN is not set or empty"),
            std::string::npos)
      << e;
  e = problems_of(feeds + "api: {token: a, token_env: HOME}\n");
  EXPECT_NE(e.find("api.token_env: set api.token or api.token_env, not both"), std::string::npos) << e;
}

TEST(Config, GatherIsZeroOrAMicrosecondToASecond) {
  const std::string feeds = "feeds: [{venue: okx, symbols: [BTC-USDT]}]\n";
  EXPECT_EQ(parse_config(feeds + "gather: 0\n", "t.yaml").gather, duration{0});
  EXPECT_EQ(parse_config(feeds + "gather: 250us\n", "t.yaml").gather, microseconds{250});
  std::string e = problems_of(feeds + "gather: 2s\n");
  EXPECT_NE(e.find("gather: at most 1s"), std::string::npos) << e;
  // Finer than a microsecond cannot be written at all.
  e = problems_of(feeds + "gather: 500ns\n");
  EXPECT_NE(e.find("gather: expected a duration"), std::string::npos) << e;
}

}  // namespace
}  // namespace sf::daemon
