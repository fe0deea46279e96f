#include "daemon_log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sf::daemon {
namespace {

constexpr wall_us at = 1'764'668'000'123'456;  // 2025-12-02T09:33:20.123Z

TEST(DaemonLog, TextIsTheTimeAndTheMessage) {
  EXPECT_EQ(daemon_log::format(log_format::text, severity::warning, at, "okx/0 reconnect_failed: refused",
                               {{"connection", "okx/0"}}),
            "2025-12-02T09:33:20.123Z steadyfeed: okx/0 reconnect_failed: refused");
}

TEST(DaemonLog, JsonIsOneParsableLineWithLevelAndFields) {
  const std::string line = daemon_log::format(log_format::json, severity::critical, at, "said \"no\"\nand left",
                                              {{"connection", "okx/0"}, {"kind", "error"}});
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  const auto v = boost::json::parse(line).as_object();
  EXPECT_EQ(v.at("time").as_string(), "2025-12-02T09:33:20.123Z");
  EXPECT_EQ(v.at("level").as_string(), "critical");
  EXPECT_EQ(v.at("message").as_string(), "said \"no\"\nand left");
  EXPECT_EQ(v.at("connection").as_string(), "okx/0");
  EXPECT_EQ(v.at("kind").as_string(), "error");
}

}  // namespace
}  // namespace sf::daemon
