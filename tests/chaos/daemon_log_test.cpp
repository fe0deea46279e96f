#include "chaos/daemon_log.hpp"

#include <gtest/gtest.h>

namespace sf::chaos {
namespace {

constexpr std::string_view log_text =
    "2026-12-02T09:30:00.100Z steadyfeed: recording 1 feed(s) to data; Ctrl-C stops\n"
    "2026-12-02T09:30:01.000Z steadyfeed: okx/0 state_changed: connecting -> connected: "
    "subscribed\n"
    "2026-12-02T09:30:04.250Z steadyfeed: okx/0 heartbeat_timeout: no pong for 1s\n"
    "2026-12-02T09:30:04.251Z steadyfeed: okx/0 state_changed: connected -> reconnecting: no pong\n"
    "2026-12-02T09:30:04.400Z steadyfeed: okx/0 state_changed: reconnecting -> connected: "
    "subscribed\n"
    "2026-12-02T09:30:04.500Z steadyfeed: sink files error: No space left on device\n"
    "2026-12-02T09:30:09.000Z steadyfeed: okx/0 state_changed: connected -> disconnected: stop\n"
    "not a log line\n";

constexpr std::int64_t at_4s = 1'796'203'804'000'000;  // 2026-12-02T09:30:04Z

TEST(DaemonLog, ReadsEventLinesAndSkipsTheRest) {
  const auto events = read_events(log_text);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].connection, "okx/0");
  EXPECT_EQ(events[0].kind, "state_changed");
  EXPECT_EQ(events[0].reason, "connecting -> connected: subscribed");
  EXPECT_EQ(events[1].wall_us, at_4s + 250'000);
  EXPECT_EQ(events[4].connection, "sink files");
  EXPECT_EQ(events[4].kind, "error");
}

TEST(DaemonLog, DetectionIsTheFirstSignAndRecoveryTheLastReturnBeforeTheStop) {
  const auto events = read_events(log_text);
  const auto r = react(events, at_4s, at_4s + 4'000'000);
  ASSERT_TRUE(r.detected_us);
  EXPECT_EQ(*r.detected_us, 250'000);
  EXPECT_EQ(r.detected_by, "okx/0 heartbeat_timeout");
  ASSERT_TRUE(r.recovered_us);
  EXPECT_EQ(*r.recovered_us, 400'000);
  // Nothing after the fault but the shutdown: no reaction at all.
  const auto quiet = react(events, at_4s + 600'000, at_4s + 4'000'000);
  EXPECT_FALSE(quiet.detected_us);
  EXPECT_FALSE(quiet.recovered_us);
}

}  // namespace
}  // namespace sf::chaos
