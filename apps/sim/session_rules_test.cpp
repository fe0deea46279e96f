#include "sim/session_rules.hpp"

#include <gtest/gtest.h>

namespace sf::sim {
namespace {

session_limits binance() {
  session_limits l;
  l.lifetime = hours{24};
  l.ping_interval = seconds{20};
  l.pong_timeout = seconds{60};
  l.inbound_per_second = 5;
  return l;
}

TEST(SessionRules, BinancePingsEveryTwentySecondsAndDropsWithoutPong) {
  manual_clock clock;
  session_rules rules(binance(), clock.now());
  EXPECT_EQ(rules.next_deadline(), clock.now() + seconds{20});
  for (int i = 1; i <= 2; ++i) {
    clock.advance(seconds{20});
    const auto v = rules.on_timer(clock.now());
    EXPECT_TRUE(v.send_ping);
    EXPECT_FALSE(v.close);
  }
  clock.advance(seconds{20});  // 60 s without a pong
  EXPECT_EQ(rules.on_timer(clock.now()).close, close_cause::pong_timeout);
}

TEST(SessionRules, PongsKeepTheConnectionUntilItsLifetime) {
  manual_clock clock;
  session_rules rules(binance(), clock.now());
  const auto opened = clock.now();
  while (true) {
    clock.set(rules.next_deadline());
    const auto v = rules.on_timer(clock.now());
    if (v.close) {
      EXPECT_EQ(*v.close, close_cause::lifetime);
      break;
    }
    if (v.send_ping) rules.on_pong(clock.now());
  }
  EXPECT_EQ(clock.now() - opened, hours{24});
}

TEST(SessionRules, InboundRateOverFivePerSecond) {
  manual_clock clock;
  session_rules rules(binance(), clock.now());
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(rules.on_inbound(clock.now()));
  EXPECT_FALSE(rules.on_inbound(clock.now()));
  clock.advance(milliseconds{200});
  EXPECT_TRUE(rules.on_inbound(clock.now()));
  EXPECT_FALSE(rules.on_inbound(clock.now()));
}

TEST(SessionRules, OkxIdleCloseUnlessSomethingIsPushed) {
  manual_clock clock;
  session_limits l;
  l.idle_timeout = seconds{30};
  session_rules rules(l, clock.now());
  clock.advance(seconds{29});
  rules.on_pushed(clock.now());
  clock.advance(seconds{29});
  EXPECT_FALSE(rules.on_timer(clock.now()).close);
  clock.advance(seconds{1});
  EXPECT_EQ(rules.on_timer(clock.now()).close, close_cause::idle);
}

TEST(SessionRules, OkxOpsPerHour) {
  manual_clock clock;
  session_limits l;
  l.inbound_per_second = 480.0 / 3600.0;
  l.inbound_window = hours{1};
  session_rules rules(l, clock.now());
  for (int i = 0; i < 480; ++i) ASSERT_TRUE(rules.on_inbound(clock.now()));
  EXPECT_FALSE(rules.on_inbound(clock.now()));
  clock.advance(seconds{8});  // one op's worth of refill
  EXPECT_TRUE(rules.on_inbound(clock.now()));
}

TEST(SessionRules, NothingConfiguredMeansNoDeadline) {
  manual_clock clock;
  session_rules rules(session_limits{}, clock.now());
  EXPECT_EQ(rules.next_deadline(), never);
  EXPECT_TRUE(rules.on_inbound(clock.now()));
}

}  // namespace
}  // namespace sf::sim
