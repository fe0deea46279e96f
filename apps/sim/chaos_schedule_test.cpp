#include "sim/chaos_schedule.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace sf::sim {
namespace {

TEST(ChaosSchedule, ParsesAndSortsFaults) {
  const auto faults = parse_chaos(R"(
faults:
  - at: 30s
    venue: binance-spot
    symbol: BTCUSDT
    fault: sequence_gap
    count: 3
  - at: 10s
    target: okx
    fault: maintenance
    duration: 5s
  - {at: 500ms, target: 7, fault: stall, duration: 2s}
  - {at: 1m, target: all, fault: rest_429, duration: 10s, retry_after: 3s}
)");
  ASSERT_EQ(faults.size(), 4u);
  EXPECT_EQ(faults[0].kind, fault_kind::stall);
  EXPECT_EQ(faults[0].connection, 7u);
  EXPECT_EQ(faults[0].at, milliseconds{500});
  EXPECT_EQ(faults[1].kind, fault_kind::maintenance);
  EXPECT_EQ(faults[1].venue, "okx");
  EXPECT_EQ(faults[1].length, seconds{5});
  EXPECT_EQ(faults[2].kind, fault_kind::sequence_gap);
  EXPECT_EQ(faults[2].count, 3u);
  EXPECT_EQ(faults[2].symbol, "BTCUSDT");
  EXPECT_EQ(faults[3].retry_after, seconds{3});
  EXPECT_TRUE(faults[3].venue.empty());
}

TEST(ChaosSchedule, TopLevelListAndEmptyFile) {
  EXPECT_EQ(parse_chaos("- {at: 1s, fault: reset}").size(), 1u);
  EXPECT_TRUE(parse_chaos("").empty());
  EXPECT_TRUE(parse_chaos("faults: []").empty());
}

TEST(ChaosSchedule, ReportsEveryProblemWithIndexKeyAndLine) {
  try {
    parse_chaos(R"(faults:
  - at: soon
    fault: explode
  - at: 1s
    fault: stall
  - at: 2s
    fault: close
    target: kraken
    colour: red
)",
                "bad.yaml");
    FAIL() << "expected chaos_error";
  } catch (const chaos_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad.yaml: faults[0] (line 2): at: 'soon' is not a duration"), std::string::npos) << msg;
    EXPECT_NE(msg.find("faults[0] (line 2): fault: unknown fault 'explode'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("faults[1] (line 4): duration: required and > 0 for fault stall"), std::string::npos) << msg;
    EXPECT_NE(msg.find("faults[2] (line 6): target: 'kraken' is neither"), std::string::npos) << msg;
    EXPECT_NE(msg.find("faults[2] (line 6): colour: unknown key"), std::string::npos) << msg;
  }
}

TEST(ChaosSchedule, SyntaxErrorsNameTheLine) {
  try {
    parse_chaos("faults:\n  - at: 1s\n    fault: [unclosed\n", "x.yaml");
    FAIL();
  } catch (const chaos_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("x.yaml: line ", 0), 0u) << e.what();
  }
  EXPECT_THROW(parse_chaos("faults: 3"), chaos_error);
  EXPECT_THROW(parse_chaos("fautls: []"), chaos_error);
  EXPECT_THROW(parse_chaos("- {fault: close}"), chaos_error);  // no `at`
}

TEST(ChaosSchedule, SequenceResetIsAnOkxMarketFault) {
  const auto faults = parse_chaos("- {at: 2s, target: okx, fault: maintenance, duration: 1s}\n"
                                  "- {at: 3s, target: okx, fault: sequence_reset}\n");
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_EQ(faults[1].kind, fault_kind::sequence_reset);
  EXPECT_TRUE(is_market_fault(faults[1].kind));
  EXPECT_FALSE(is_connection_fault(faults[1].kind));
  try {
    parse_chaos("- {at: 1s, fault: sequence_reset}\n", "x.yaml");
    FAIL();
  } catch (const chaos_error& e) {
    EXPECT_NE(std::string(e.what()).find("sequence_reset applies to okx only"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sf::sim

namespace sf::sim {
namespace {

TEST(ChaosSchedule, AMappingUsedAsAKeyIsAnErrorWithALineNeverAnAbort) {
  try {
    parse_chaos("faults:\n  - {at: 1s, fault: reset}\n? {a: 1}\n: x\n", "chaos.yaml");
    FAIL() << "accepted";
  } catch (const chaos_error& e) {
    EXPECT_NE(std::string(e.what()).find("chaos.yaml: line 3: a key must be a plain name"), std::string::npos)
        << e.what();
  }
  try {
    parse_chaos("faults:\n  - at: 1s\n    fault: reset\n    ? [x]\n    : y\n", "chaos.yaml");
    FAIL() << "accepted";
  } catch (const chaos_error& e) {
    EXPECT_NE(std::string(e.what()).find("faults[0] (line 2): a key must be a plain name"), std::string::npos)
        << e.what();
  }
}

TEST(ChaosSchedule, ADirectoryIsRefusedNotReadAsNoFaults) {
  try {
    load_chaos_file(std::filesystem::temp_directory_path().string());
    FAIL() << "accepted";
  } catch (const chaos_error& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sf::sim
