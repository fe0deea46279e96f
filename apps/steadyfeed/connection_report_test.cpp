#include "connection_report.hpp"

#include <gtest/gtest.h>

namespace sf::daemon {
namespace {

TEST(ConnectionReport, OneLinePerConnectionWithEveryFigure) {
  feed_stats f;
  f.id = "okx";
  supervisor_stats c;
  c.name = "okx/0";
  c.state = connection_state::connected;
  c.quality.score = 87;
  c.quality.rtt_avg = milliseconds{12};
  c.quality.rtt_p99 = milliseconds{41};
  c.quality.errors_per_minute = 0.25;
  c.quality.reconnects_last_hour = 2;
  c.quality.uptime_percent = 99.5;
  c.quality.down_total = seconds{75};
  c.counters.connects = 3;
  c.counters.disconnects = 2;
  c.counters.reconnect_attempts = 4;
  c.counters.reconnect_successes = 3;
  f.connections.push_back(c);
  c.name = "okx/1";
  c.state = connection_state::unstable;
  c.counters = {};
  c.quality.down_total = hours{3} + minutes{5};
  f.connections.push_back(c);
  const auto lines = connection_report({f});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "okx/0 connected: score 87; ping avg 12ms p99 41ms; 2 reconnects in the last hour; errors 0.2/min; "
            "connections 3, disconnections 2; reconnect attempts 4, 75% succeeded; uptime 99.50%, down 75s in all");
  EXPECT_EQ(lines[1],
            "okx/1 unstable: score 87; ping avg 12ms p99 41ms; unstable; errors 0.2/min; connections 0, "
            "disconnections 0; reconnect attempts 0, none needed; uptime 99.50%, down 3h05m in all");
}

TEST(ConnectionReport, NoConnectionsNoLines) { EXPECT_TRUE(connection_report({}).empty()); }

}  // namespace
}  // namespace sf::daemon
