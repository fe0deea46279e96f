#include "sim/options.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "sim/dialect_registry.hpp"

namespace sf::sim {
namespace {

parsed_options parse(std::vector<const char*> args) {
  args.insert(args.begin(), "steadyfeed-sim");
  return parse_options(static_cast<int>(args.size()), args.data(), 1'700'000'000'000'000);
}

TEST(SimOptions, DefaultsMakeAConfig) {
  const auto p = parse({});
  ASSERT_TRUE(p.config) << p.message;
  EXPECT_EQ(p.config->market.rate, 10);
}

TEST(SimOptions, BlastIsOffUnlessAsked) {
  EXPECT_FALSE(parse({}).config->blast);
  const auto p = parse({"--blast"});
  ASSERT_TRUE(p.config) << p.message;
  EXPECT_TRUE(p.config->blast);
}

TEST(SimOptions, RatesThatWouldSpinTheSimulatorAreRefusedNamingTheFlag) {
  for (const char* rate : {"nan", "inf", "1e12", "-1", "100001"}) {
    SCOPED_TRACE(rate);
    const auto p = parse({"--rate", rate});
    EXPECT_FALSE(p.config);
    EXPECT_NE(p.message.find("--rate: "), std::string::npos) << p.message;
    EXPECT_NE(p.exit_code, 0);
  }
  EXPECT_TRUE(parse({"--rate", "100000"}).config);
  EXPECT_TRUE(parse({"--rate", "0"}).config);
}

TEST(SimOptions, BurstsDepthAndCheckpointsAreBounded) {
  auto p = parse({"--burst-factor", "nan"});
  EXPECT_NE(p.message.find("--burst-factor: "), std::string::npos) << p.message;
  p = parse({"--rate", "10000", "--burst-factor", "1000"});
  EXPECT_NE(p.message.find("--rate × --burst-factor"), std::string::npos) << p.message;
  p = parse({"--depth", "100000"});
  EXPECT_NE(p.message.find("--depth: 100000 is not from 10 to 5000"), std::string::npos) << p.message;
  p = parse({"--checkpoint-every", "0"});
  EXPECT_NE(p.message.find("--checkpoint-every: at least 1"), std::string::npos) << p.message;
}

TEST(SimOptions, EveryProblemIsReportedAtOnce) {
  const auto p = parse({"--rate", "nan", "--depth", "1", "--venues", "kraken"});
  EXPECT_FALSE(p.config);
  EXPECT_NE(p.message.find("--rate"), std::string::npos) << p.message;
  EXPECT_NE(p.message.find("--depth"), std::string::npos) << p.message;
  EXPECT_NE(p.message.find("--venues"), std::string::npos) << p.message;
}

TEST(SimOptions, WithoutVenueFlagsEveryVenueRunsOnItsDialectsDefaults) {
  const auto p = parse({});
  ASSERT_TRUE(p.config) << p.message;
  EXPECT_EQ(p.config->venues, dialect_names());
  for (const auto* d : all_dialects()) EXPECT_EQ(p.config->per_venue.at(std::string(d->name())), d->defaults());
}

TEST(SimOptions, VenueFlagsSetTheirVenuesSettingsOnly) {
  const auto p = parse({"--lifetime", "3s", "--ping-interval", "1s", "--pong-timeout", "2s", "--idle-timeout", "4s",
                        "--okx-checksum", "zero", "--okx-keepalive", "0s"});
  ASSERT_TRUE(p.config) << p.message;
  auto config = *p.config;
  const auto& binance = config.venue("binance-spot");
  EXPECT_EQ(binance.rules.limits.lifetime, seconds{3});
  EXPECT_EQ(binance.rules.limits.ping_interval, seconds{1});
  EXPECT_EQ(binance.rules.limits.pong_timeout, seconds{2});
  EXPECT_EQ(binance.rules.limits.idle_timeout, duration{0});
  const auto& okx = config.venue("okx");
  EXPECT_EQ(okx.rules.limits.idle_timeout, seconds{4});
  EXPECT_EQ(okx.rules.limits.lifetime, duration{0});
  EXPECT_EQ(okx.options.at("checksum"), "zero");
  EXPECT_EQ(okx.options.at("keepalive"), "0s");
}

TEST(SimOptions, BadVenueFlagsAreReportedWithTheOthersNamingTheFlag) {
  const auto p = parse({"--okx-checksum", "sha", "--lifetime", "long", "--depth", "1"});
  EXPECT_FALSE(p.config);
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.message.find("steadyfeed-sim: --okx-checksum: 'sha' is neither crc32 nor zero\n"), std::string::npos)
      << p.message;
  EXPECT_NE(p.message.find("steadyfeed-sim: --lifetime: 'long' is not a duration"), std::string::npos) << p.message;
  EXPECT_NE(p.message.find("--depth"), std::string::npos) << p.message;
  EXPECT_NE(parse({"--venues", "binance-spot,kraken"}).message.find("unknown venue 'kraken' (binance-spot, okx)"),
            std::string::npos);
}

TEST(SimOptions, HelpNamesTheVenuesAndTheirFlags) {
  const auto p = parse({"--help"});
  EXPECT_FALSE(p.config);
  EXPECT_EQ(p.exit_code, 0);
  EXPECT_NE(p.message.find("(Binance Spot and OKX dialects)"), std::string::npos) << p.message;
  EXPECT_NE(p.message.find("comma-separated: binance-spot, okx"), std::string::npos) << p.message;
  EXPECT_NE(p.message.find("=binance-spot,okx"), std::string::npos) << p.message;
  EXPECT_NE(p.message.find("(BTCUSDT → OKX BTC-USDT)"), std::string::npos) << p.message;
  for (const auto* d : all_dialects())
    for (const auto& f : d->flags()) EXPECT_NE(p.message.find(f.name + " TEXT=" + f.default_text), std::string::npos) << f.name;
}

}  // namespace
}  // namespace sf::sim
