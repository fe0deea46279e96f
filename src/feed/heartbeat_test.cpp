#include "steadyfeed/feed/heartbeat.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

const time_point t0{seconds{100}};

heartbeat_settings ws_only() {
  heartbeat_settings s;
  s.ws_ping_interval = seconds{20};
  s.pong_timeout = seconds{10};
  return s;
}

TEST(Heartbeat, TheFirstPingIsOneIntervalAfterTheLinkOpens) {
  heartbeat hb(ws_only());
  hb.start(t0);
  EXPECT_EQ(hb.next_deadline(), t0 + seconds{20});
  EXPECT_FALSE(hb.ws_ping_due(t0 + seconds{19}));
  EXPECT_TRUE(hb.ws_ping_due(t0 + seconds{20}));
  EXPECT_FALSE(hb.expired(t0 + hours{1}));  // nothing was sent: nothing can be missed
}

TEST(Heartbeat, APongAnsweredInTimeGivesItsRoundTripAndSchedulesTheNextPingFromTheLastOne) {
  heartbeat hb(ws_only());
  hb.start(t0);
  const time_point sent = t0 + seconds{20};
  const std::string payload(hb.send_ws_ping(sent));
  EXPECT_FALSE(payload.empty());
  EXPECT_FALSE(hb.ws_ping_due(sent + seconds{25}));  // one outstanding at a time
  EXPECT_EQ(hb.next_deadline(), sent + seconds{10});  // the pong deadline
  EXPECT_FALSE(hb.on_ws_pong("not-the-payload", sent + seconds{1}));
  const auto rtt = hb.on_ws_pong(payload, sent + milliseconds{300});
  ASSERT_TRUE(rtt);
  EXPECT_EQ(*rtt, milliseconds{300});
  EXPECT_FALSE(hb.on_ws_pong(payload, sent + milliseconds{400}));  // answered already
  EXPECT_EQ(hb.next_deadline(), sent + seconds{20});
  EXPECT_FALSE(hb.expired(sent + seconds{11}));
}

TEST(Heartbeat, AMissedPongIsReportedAtItsDeadlineAndNotBefore) {
  heartbeat hb(ws_only());
  hb.start(t0);
  const time_point sent = t0 + seconds{20};
  hb.send_ws_ping(sent);
  EXPECT_FALSE(hb.expired(sent + seconds{10} - duration{1}));
  ASSERT_TRUE(hb.expired(sent + seconds{10}));
  EXPECT_EQ(*hb.expired(sent + seconds{10}), heartbeat::missed::ws_pong);
}

TEST(Heartbeat, EachPingCarriesANewPayloadSoALatePongForAnOldOneDoesNotCount) {
  heartbeat hb(ws_only());
  hb.start(t0);
  const std::string first(hb.send_ws_ping(t0 + seconds{20}));
  ASSERT_TRUE(hb.on_ws_pong(first, t0 + seconds{21}));
  const std::string second(hb.send_ws_ping(t0 + seconds{40}));
  EXPECT_NE(first, second);
  EXPECT_FALSE(hb.on_ws_pong(first, t0 + seconds{41}));
  EXPECT_TRUE(hb.expired(t0 + seconds{50}));
}

TEST(Heartbeat, ADeferredPingWaitsForItsSlot) {
  heartbeat hb(ws_only());
  hb.start(t0);
  hb.defer_ws_ping(t0 + seconds{21});
  EXPECT_FALSE(hb.ws_ping_due(t0 + seconds{20}));
  EXPECT_TRUE(hb.ws_ping_due(t0 + seconds{21}));
}

TEST(Heartbeat, AnIdleOnlyApplicationPingGoesOutOnlyAfterAQuietInterval) {
  heartbeat_settings s;
  s.app_ping_interval = seconds{25};
  s.app_ping_when_idle = true;
  s.pong_timeout = seconds{5};
  heartbeat hb(s);
  hb.start(t0);
  EXPECT_EQ(hb.next_deadline(), t0 + seconds{25});
  // Frames kept arriving: the ping moves to one interval after the last one.
  EXPECT_FALSE(hb.app_ping_due(t0 + seconds{25}, t0 + seconds{24}));
  EXPECT_EQ(hb.next_deadline(), t0 + seconds{49});
  EXPECT_TRUE(hb.app_ping_due(t0 + seconds{49}, t0 + seconds{24}));
  hb.send_app_ping(t0 + seconds{49});
  EXPECT_FALSE(hb.app_ping_due(t0 + seconds{80}, t0 + seconds{24}));  // one outstanding
  EXPECT_EQ(*hb.on_app_pong(t0 + seconds{50}), seconds{1});
  EXPECT_FALSE(hb.on_app_pong(t0 + seconds{51}));  // unsolicited
  EXPECT_EQ(hb.next_deadline(), t0 + seconds{74});
}

TEST(Heartbeat, AnApplicationPingOnAClockIsDueWhateverArrives) {
  heartbeat_settings s;
  s.app_ping_interval = seconds{20};
  s.pong_timeout = seconds{5};
  heartbeat hb(s);
  hb.start(t0);
  EXPECT_TRUE(hb.app_ping_due(t0 + seconds{20}, t0 + seconds{20}));
  hb.send_app_ping(t0 + seconds{20});
  EXPECT_EQ(*hb.expired(t0 + seconds{25}), heartbeat::missed::app_pong);
}

TEST(Heartbeat, NoIntervalsMeanNoPingsAndNoDeadline) {
  heartbeat hb(heartbeat_settings{});
  hb.start(t0);
  EXPECT_EQ(hb.next_deadline(), never);
  EXPECT_FALSE(hb.ws_ping_due(t0 + hours{24}));
  EXPECT_FALSE(hb.app_ping_due(t0 + hours{24}, t0));
}

}  // namespace
}  // namespace sf
