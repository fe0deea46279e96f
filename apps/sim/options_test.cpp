#include "sim/options.hpp"

#include <gtest/gtest.h>

#include <vector>

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

}  // namespace
}  // namespace sf::sim
