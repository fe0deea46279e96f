#include "steadyfeed/feed/supervisor.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/supervisor_harness.hpp"

namespace sf {
namespace {

using testing::harness;
using testing::test_venue;

supervisor_config quiet_config() {
  supervisor_config c;
  c.name = "test";
  c.seed = 1;
  c.backoff.jitter = jitter_mode::none;
  c.backoff.initial = milliseconds{100};
  c.backoff.max = seconds{10};
  c.idle_timeout = seconds{0};
  return c;
}

std::shared_ptr<test_venue> venue() { return std::make_shared<test_venue>(); }

TEST(Supervisor, StartsConnectsAndReportsEveryTransition) {
  harness h(quiet_config(), venue(), {"a"});
  EXPECT_EQ(h.sup.state(), connection_state::disconnected);
  h.start();
  EXPECT_EQ(h.sup.state(), connection_state::connecting);
  ASSERT_EQ(h.links.size(), 1u);
  h.open_last();
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  EXPECT_TRUE(h.sup.is_healthy());
  ASSERT_EQ(h.transitions.size(), 2u);
  EXPECT_EQ(h.transitions[0].second, connection_state::connecting);
  EXPECT_EQ(h.transitions[1].second, connection_state::connected);
  EXPECT_TRUE(h.has_event(event_kind::connected));
  EXPECT_EQ(h.count_events(event_kind::state_changed), 2u);
  EXPECT_TRUE(h.violations.empty());
}

TEST(Supervisor, DeliversDataAndDropsDuplicateSequenceIds) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  h.frame(l, "D|a|1|x");
  h.frame(l, "D|a|2|x");
  h.frame(l, "D|a|2|x");
  h.frame(l, "D|a|3|x");
  ASSERT_EQ(h.delivered.size(), 3u);
  EXPECT_EQ(h.delivered[2].seq, 3u);
  EXPECT_EQ(h.sup.counters().duplicates_dropped, 1u);
}

TEST(Supervisor, ASnapshotStartsANewSequenceEpoch) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  h.frame(l, "D|a|100|x");
  h.frame(l, "S|a|3|x");  // a documented sequence reset
  h.frame(l, "D|a|4|x");
  ASSERT_EQ(h.delivered.size(), 3u);
  EXPECT_EQ(h.delivered[2].seq, 4u);
}

TEST(Supervisor, InvalidFramesAreCountedAndTheConnectionGoesOn) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  for (int i = 0; i < 50; ++i) h.frame(l, "garbage{");
  h.frame(l, "D|a|1|x");
  EXPECT_EQ(h.sup.counters().invalid_frames, 50u);
  EXPECT_EQ(h.delivered.size(), 1u);
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  // The journal is not flooded: one event for the burst.
  EXPECT_EQ(h.count_events(event_kind::error), 1u);
}

TEST(Supervisor, ReconnectsOnTheBackoffSchedule) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  h.open_last();
  h.close_by_peer(h.last_link());
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
  EXPECT_FALSE(h.sup.is_healthy());
  // Each attempt fails; delays are 100, 200, 400, 800 ms.
  const std::vector<milliseconds> delays{milliseconds{100}, milliseconds{200}, milliseconds{400},
                                         milliseconds{800}};
  for (auto d : delays) {
    const link_id before = h.last_link();
    h.advance(d - milliseconds{1});
    EXPECT_EQ(h.last_link(), before) << "attempt came early";
    h.advance(milliseconds{1});
    ASSERT_EQ(h.last_link(), before + 1) << "attempt did not come on time";
    h.fail_open(h.last_link(), failure::of(errc::connect_refused));
  }
  EXPECT_EQ(h.sup.counters().reconnect_failures, 4u);
  h.advance(milliseconds{1600});
  h.open_last();
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  EXPECT_TRUE(h.has_event(event_kind::reconnect_success));
  const auto& e = h.events.back().kind == event_kind::state_changed ? h.events[h.events.size() - 2]
                                                                       : h.events.back();
  EXPECT_EQ(e.kind, event_kind::reconnect_success);
  EXPECT_EQ(e.latency, milliseconds{100 + 200 + 400 + 800 + 1600});
}

// What the control API shows of a connection: its URL, when it was last
// live (kept while it is down), its failures in a row and its live time.
TEST(Supervisor, SnapshotKeepsTheLastConnectionAndCountsFailuresInARow) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  h.open_last();
  auto s = h.sup.snapshot();
  EXPECT_FALSE(s.url.empty());
  ASSERT_NE(s.last_connected, 0);
  EXPECT_EQ(s.connected_since, s.last_connected);
  const wall_us first = s.last_connected;
  h.advance(seconds{3});
  h.close_by_peer(h.last_link());
  for (auto d : {milliseconds{100}, milliseconds{200}, milliseconds{400}}) {
    h.advance(d);
    h.fail_open(h.last_link(), failure::of(errc::connect_refused));
  }
  h.advance(milliseconds{700});  // past a housekeeping tick, before the next attempt
  s = h.sup.snapshot();
  EXPECT_EQ(s.consecutive_failures, 3);
  EXPECT_EQ(s.connected_since, 0);
  EXPECT_EQ(s.last_connected, first);
  EXPECT_EQ(s.quality.live_total, seconds{3});
  h.advance(milliseconds{100});
  h.open_last();
  s = h.sup.snapshot();
  EXPECT_EQ(s.consecutive_failures, 0);
  EXPECT_GT(s.last_connected, first);
  EXPECT_EQ(s.connected_since, s.last_connected);
}

TEST(Supervisor, ConnectTimeoutCountsAsAFailedAttempt) {
  auto c = quiet_config();
  c.connect_timeout = seconds{3};
  harness h(c, venue(), {"a"});
  h.start();
  const link_id first = h.last_link();
  h.advance(seconds{3});
  EXPECT_TRUE(h.links[first].closed);
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
  h.advance(milliseconds{100});
  EXPECT_EQ(h.last_link(), first + 1);
  // A late open for the abandoned link is ignored.
  h.sup.on_open(first, h.now(), h.wall());
  h.drain();
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
}

TEST(Supervisor, FatalUpgradeRejectionFailsWithoutRetryingAndLeavesNoTimer) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  h.fail_open(h.last_link(), failure{make_error_code(classify_upgrade_status(403)), 403, {}, 0, "forbidden"});
  EXPECT_EQ(h.sup.state(), connection_state::failed);
  EXPECT_EQ(h.timer, never);
  EXPECT_EQ(h.sup.next_deadline(), never);
  const auto links = h.links.size();
  h.advance(hours{1});
  EXPECT_EQ(h.links.size(), links);
  // An operator can bring it back.
  h.sup.request_reconnect(h.now(), h.wall(), "operator");
  h.drain();
  EXPECT_EQ(h.sup.state(), connection_state::connecting);
  EXPECT_EQ(h.links.size(), links + 1);
}

TEST(Supervisor, OtherFatalErrorsFailToo) {
  for (errc code : {errc::bad_url, errc::tls_verify_failed, errc::auth_rejected, errc::proxy_refused}) {
    harness h(quiet_config(), venue(), {"a"});
    h.start();
    h.fail_open(h.last_link(), failure::of(code));
    EXPECT_EQ(h.sup.state(), connection_state::failed) << make_error_code(code).message();
  }
}

TEST(Supervisor, RateLimitWaitsForRetryAfter) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  const link_id first = h.last_link();
  h.fail_open(first, failure{make_error_code(classify_upgrade_status(429)), 429, seconds{30}, 0, ""});
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
  h.advance(seconds{29});
  EXPECT_EQ(h.last_link(), first);
  h.advance(seconds{1});
  EXPECT_EQ(h.last_link(), first + 1);
}

TEST(Supervisor, BanWithoutRetryAfterWaitsTheBackoffCeiling) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  const link_id first = h.last_link();
  h.fail_open(first, failure{make_error_code(classify_upgrade_status(418)), 418, {}, 0, ""});
  h.advance(seconds{9});
  EXPECT_EQ(h.last_link(), first);
  h.advance(seconds{1});
  EXPECT_EQ(h.last_link(), first + 1);
}

TEST(Supervisor, MaxAttemptsEndsInFailed) {
  auto c = quiet_config();
  c.backoff.max_attempts = 3;
  c.on_retries_exhausted = retries_exhausted_action::stop;
  harness h(c, venue(), {"a"});
  h.start();
  for (int i = 0; i < 4; ++i) {
    ASSERT_NE(h.sup.state(), connection_state::failed);
    h.fail_open(h.last_link(), failure::of(errc::connect_refused));
    h.advance(seconds{5});
  }
  EXPECT_EQ(h.sup.state(), connection_state::failed);
  EXPECT_EQ(h.timer, never);
  EXPECT_NE(h.events.back().reason.find("maximum reconnect attempts"), std::string::npos);
  EXPECT_EQ(h.count_events(event_kind::retries_exhausted), 1u);
  EXPECT_EQ(h.count_events(event_kind::error), 0u);  // giving up is said once, as itself
}

// Refuses every attempt until the backoff's attempts run out.
void refuse_until_failed(harness& h) {
  for (int i = 0; i < 10 && h.sup.state() != connection_state::failed; ++i) {
    h.advance(seconds{5});
    if (!h.pending_links().empty()) h.fail_open(h.last_link(), failure::of(errc::connect_refused));
  }
}

// A venue down longer than the retries last: the connection goes to failed,
// says so once, then tries once per backoff.max and is live again by itself
// when the venue answers, with its retries restored for the next outage.
TEST(Supervisor, AFailedConnectionProbesUntilTheVenueReturns) {
  auto c = quiet_config();
  c.backoff.max_attempts = 3;
  c.backoff.max = seconds{30};
  harness h(c, venue(), {"a"});
  h.start();
  h.open_last();
  h.close_by_peer(h.last_link());
  refuse_until_failed(h);
  ASSERT_EQ(h.sup.state(), connection_state::failed);
  EXPECT_EQ(h.count_events(event_kind::retries_exhausted), 1u);
  for (int probe = 0; probe < 3; ++probe) {
    const link_id before = h.last_link();
    h.advance(seconds{30} - milliseconds{1});
    EXPECT_EQ(h.last_link(), before) << "probed early";
    h.advance(milliseconds{1});
    ASSERT_EQ(h.last_link(), before + 1) << "no probe after backoff.max";
    EXPECT_EQ(h.sup.state(), connection_state::connecting);
    h.fail_open(h.last_link(), failure::of(errc::connect_refused));
    EXPECT_EQ(h.sup.state(), connection_state::failed) << "a failed probe is one attempt, not a new cycle";
  }
  EXPECT_EQ(h.count_events(event_kind::retries_exhausted), 1u);  // said once per outage
  h.advance(seconds{30});
  h.open_last();
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  EXPECT_TRUE(h.has_event(event_kind::reconnect_success));
  // Housekeeping runs again: the published snapshot keeps up.
  const auto live_before = h.sup.snapshot().quality.live_total;
  h.advance(seconds{3});
  EXPECT_GT(h.sup.snapshot().quality.live_total, live_before);
  // The next outage gets its retries again.
  h.close_by_peer(h.last_link());
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
  h.advance(seconds{5});
  h.fail_open(h.last_link(), failure::of(errc::connect_refused));
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
}

TEST(Supervisor, AFatalErrorDuringAProbeIsSaid) {
  auto c = quiet_config();
  c.backoff.max_attempts = 2;
  c.backoff.max = seconds{30};
  harness h(c, venue(), {"a"});
  h.start();
  refuse_until_failed(h);
  ASSERT_EQ(h.sup.state(), connection_state::failed);
  const auto errors = h.count_events(event_kind::error);
  h.advance(seconds{30});
  ASSERT_EQ(h.sup.state(), connection_state::connecting);
  h.fail_open(h.last_link(), failure::of(errc::auth_rejected));
  EXPECT_EQ(h.sup.state(), connection_state::failed);
  EXPECT_EQ(h.count_events(event_kind::error), errors + 1);
  EXPECT_EQ(h.timer, never);  // fatal: no more probes
}

TEST(Supervisor, BackoffResetsAfterAHealthyPeriod) {
  auto c = quiet_config();
  c.backoff.reset_after = seconds{60};
  harness h(c, venue(), {"a"});
  h.start();
  for (int i = 0; i < 5; ++i) {
    h.fail_open(h.last_link(), failure::of(errc::connect_refused));
    h.advance(seconds{10});
  }
  h.open_last();
  h.advance(seconds{61});
  const link_id before = h.last_link();
  h.close_by_peer(before);
  h.advance(milliseconds{100});  // back to the first delay
  EXPECT_EQ(h.last_link(), before + 1);
}

TEST(Supervisor, ConnectionsThatDieQuicklyKeepBackingOff) {
  auto c = quiet_config();
  harness h(c, venue(), {"a"});
  h.start();
  h.open_last();
  for (int i = 0; i < 3; ++i) {
    h.close_by_peer(h.last_link());
    h.advance(seconds{10});
    h.open_last();
  }
  const link_id before = h.last_link();
  h.close_by_peer(before);
  h.advance(milliseconds{799});
  EXPECT_EQ(h.last_link(), before);  // 4th consecutive loss: 800 ms
  h.advance(milliseconds{1});
  EXPECT_EQ(h.last_link(), before + 1);
}

TEST(Supervisor, StopClosesEverythingAndDisarms) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  h.open_last();
  h.sup.stop(h.now(), h.wall(), "shutdown");
  h.drain();
  EXPECT_EQ(h.sup.state(), connection_state::disconnected);
  EXPECT_EQ(h.open_link_count(), 0u);
  EXPECT_EQ(h.timer, never);
}

// ---- heartbeats and watchdogs ------------------------------------------------

TEST(Supervisor, WsPingsMeasureRttAndAMissingPongReconnects) {
  auto v = venue();
  v->heartbeat_.ws_ping_interval = seconds{20};
  v->heartbeat_.pong_timeout = seconds{10};
  harness h(quiet_config(), v, {"a"});
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  h.advance(seconds{20});
  ASSERT_EQ(h.links[l].pings.size(), 1u);
  h.advance(milliseconds{40});
  h.pong(l, h.links[l].pings[0]);
  EXPECT_EQ(h.sup.quality(h.now()).rtt_avg, milliseconds{40});
  h.advance(seconds{20});
  ASSERT_EQ(h.links[l].pings.size(), 2u);
  h.pong(l, "stale payload");  // not ours: ignored
  h.advance(seconds{10});
  EXPECT_TRUE(h.links[l].closed);
  EXPECT_TRUE(h.has_event(event_kind::heartbeat_timeout));
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
  EXPECT_EQ(h.sup.counters().heartbeat_timeouts, 1u);
}

TEST(Supervisor, ApplicationPingWhenIdleLikeOkx) {
  auto v = venue();
  v->heartbeat_.app_ping_interval = seconds{25};
  v->heartbeat_.app_ping_payload = "ping";
  v->heartbeat_.app_ping_when_idle = true;
  v->heartbeat_.pong_timeout = seconds{5};
  harness h(quiet_config(), v, {"a"});
  h.auto_ack = true;
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  // Traffic keeps the ping away.
  for (int i = 1; i <= 10; ++i) {
    h.advance(seconds{10});
    h.frame(l, "D|a|" + std::to_string(i) + "|x");
  }
  auto count_pings = [&] {
    return std::count(h.links[l].sent.begin(), h.links[l].sent.end(), std::string("ping"));
  };
  EXPECT_EQ(count_pings(), 0);
  h.advance(seconds{25});
  EXPECT_EQ(count_pings(), 1);
  h.frame(l, "PONG");
  h.advance(seconds{25});
  EXPECT_EQ(count_pings(), 2);
  h.advance(seconds{5});
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
}

TEST(Supervisor, ServerPingsAreAnsweredWithTheVenueReply) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  h.open_last();
  h.frame(h.last_link(), "PING");
  ASSERT_FALSE(h.links[h.last_link()].sent.empty());
  EXPECT_EQ(h.links[h.last_link()].sent.back(), "PONG");
}

TEST(Supervisor, IdleWatchdogIgnoresHeartbeats) {
  auto v = venue();
  v->heartbeat_.ws_ping_interval = seconds{5};
  auto c = quiet_config();
  c.idle_timeout = seconds{60};
  harness h(c, v, {"a"});
  h.auto_pong = true;
  h.auto_ack = true;
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  h.frame(l, "D|a|1|x");
  h.advance(seconds{59});
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  EXPECT_GE(h.links[l].pings.size(), 10u);  // pongs kept flowing
  h.advance(seconds{1});
  EXPECT_TRUE(h.links[l].closed);
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
  EXPECT_NE(h.events[h.events.size() - 2].reason.find("no data"), std::string::npos);
}

TEST(Supervisor, IdleWatchdogIsOffWithoutTopics) {
  auto c = quiet_config();
  c.idle_timeout = seconds{10};
  harness h(c, venue(), {});
  h.start();
  h.open_last();
  h.advance(minutes{5});
  EXPECT_EQ(h.sup.state(), connection_state::connected);
}

TEST(Supervisor, AQuietSymbolDoesNotRestartAHealthyConnection) {
  auto c = quiet_config();
  harness h(c, venue(), {"busy", "quiet"});
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  // "quiet" trades five times in the first minute, then not for an hour;
  // "busy" ticks every 100 ms throughout.
  std::uint64_t seq = 0, qseq = 0;
  for (int ms = 0; ms < 3'600'000; ms += 100) {
    h.advance(milliseconds{100});
    h.frame(l, "D|busy|" + std::to_string(++seq) + "|x");
    if (ms < 60'000 && ms % 12'000 == 0) h.frame(l, "D|quiet|" + std::to_string(++qseq) + "|x");
  }
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  EXPECT_EQ(h.links.size(), 1u);
  EXPECT_FALSE(h.has_event(event_kind::stream_stale));
}

TEST(Supervisor, AStaleStreamIsReportedButOthersKeepTheConnection) {
  harness h(quiet_config(), venue(), {"a", "b"});
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  std::uint64_t seq = 0;
  for (int i = 0; i < 100; ++i) {
    h.advance(milliseconds{100});
    h.frame(l, "D|a|" + std::to_string(++seq) + "|x");
    h.frame(l, "D|b|" + std::to_string(seq) + "|x");
  }
  for (int i = 0; i < 200; ++i) {  // b stops, a goes on
    h.advance(milliseconds{100});
    h.frame(l, "D|a|" + std::to_string(++seq) + "|x");
  }
  EXPECT_TRUE(h.has_event(event_kind::stream_stale));
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  EXPECT_EQ(h.sup.snapshot().stale_streams, std::vector<std::string>{"b"});
  h.frame(l, "D|b|999|x");
  EXPECT_TRUE(h.has_event(event_kind::stream_resumed));
}

TEST(Supervisor, DataFrozenWhilePongsFlowIsCaught) {
  auto v = venue();
  v->heartbeat_.ws_ping_interval = seconds{1};
  auto c = quiet_config();
  c.idle_timeout = minutes{10};  // far away: staleness must catch it first
  harness h(c, v, {"a", "b"});
  h.auto_pong = true;
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  std::uint64_t seq = 0;
  for (int i = 0; i < 100; ++i) {
    h.advance(milliseconds{100});
    h.frame(l, "D|a|" + std::to_string(++seq) + "|x");
    h.frame(l, "D|b|" + std::to_string(seq) + "|x");
  }
  const time_point froze = h.now();
  h.advance(seconds{30});
  EXPECT_TRUE(h.links[l].closed);
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
  bool frozen = false;
  for (const auto& e : h.events)
    if (e.kind == event_kind::disconnected && e.reason.find("stale") != std::string::npos) frozen = true;
  EXPECT_TRUE(frozen);
  (void)froze;
}

TEST(Supervisor, StaleOverridesApplyPerStream) {
  auto c = quiet_config();
  c.stale_overrides["a"] = seconds{2};
  c.stale_min_messages = 1;
  harness h(c, venue(), {"a", "b"});
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  h.frame(l, "D|a|1|x");
  for (int i = 0; i < 30; ++i) {
    h.advance(milliseconds{100});
    h.frame(l, "D|b|" + std::to_string(i + 1) + "|x");
  }
  EXPECT_TRUE(h.has_event(event_kind::stream_stale));
  EXPECT_EQ(h.sup.state(), connection_state::connected);
}

// ---- quality --------------------------------------------------------------------

TEST(Supervisor, LatePongsMakeItUnstableAndRecoveryMakesItConnected) {
  auto v = venue();
  v->heartbeat_.ws_ping_interval = seconds{2};
  v->heartbeat_.pong_timeout = seconds{10};
  harness h(quiet_config(), v, {"a"});
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  for (int i = 0; i < 8; ++i) {  // pongs after 6 s: late (over half the timeout)
    h.advance(seconds{2});
    h.advance(seconds{6});
    h.pong(l, h.links[l].pings.back());
  }
  h.advance(seconds{1});
  EXPECT_EQ(h.sup.state(), connection_state::unstable);
  EXPECT_TRUE(h.has_event(event_kind::quality_degraded));
  EXPECT_TRUE(h.sup.is_healthy());  // degraded, but data flows
  h.auto_pong = true;
  h.pong(l, h.links[l].pings.back());
  // Fast pongs for a few minutes: late pongs age out and the p99 recovers.
  h.advance(minutes{5});
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  EXPECT_TRUE(h.has_event(event_kind::quality_improved));
}

TEST(Supervisor, ClusteredReconnectsMakeItUnstable) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  h.open_last();
  for (int i = 0; i < 3; ++i) {
    h.close_by_peer(h.last_link());
    h.advance(seconds{5});
    h.open_last();
  }
  EXPECT_EQ(h.sup.state(), connection_state::unstable);
  EXPECT_EQ(h.sup.counters().connects, 4u);
  EXPECT_EQ(h.sup.counters().disconnects, 3u);
  const auto q = h.sup.quality(h.now());
  EXPECT_EQ(q.down_total + q.live_total, h.now() - h.start_);
  EXPECT_GT(q.down_total, duration{0});
  h.advance(minutes{11});
  EXPECT_EQ(h.sup.state(), connection_state::connected);
}

TEST(Supervisor, HealthCheckIntervalPacesTheQualityJudgement) {
  auto v = venue();
  v->heartbeat_.ws_ping_interval = seconds{2};
  v->heartbeat_.pong_timeout = seconds{10};
  auto c = quiet_config();
  c.health_check_interval = seconds{30};
  harness h(c, v, {"a"});
  const wall_us started = h.wall();
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  bool waited = false;  // the score was already low while the state was still connected
  for (int i = 0; i < 12; ++i) {  // late pongs, as above: the score falls within the first minute
    h.advance(seconds{2});
    h.advance(seconds{6});
    h.pong(l, h.links[l].pings.back());
    waited = waited || (h.sup.quality(h.now()).score < c.unstable_below &&
                        h.sup.state() == connection_state::connected);
  }
  EXPECT_TRUE(waited);
  EXPECT_EQ(h.sup.state(), connection_state::unstable);
  // Judged only at a check: the first housekeeping (a second after the
  // start), then every 30 s.
  ASSERT_EQ(h.count_events(event_kind::quality_degraded), 1u);
  for (const auto& e : h.events)
    if (e.kind == event_kind::quality_degraded) {
      const wall_us since_first_check = e.time - started - 1'000'000;
      EXPECT_GT(since_first_check, 0);
      EXPECT_EQ(since_first_check % 30'000'000, 0) << since_first_check;
    }
}

TEST(Supervisor, QualityReportsRatesAndUptime) {
  harness h(quiet_config(), venue(), {"a"});
  h.advance(seconds{10});  // not started: down time
  h.start();
  h.open_last();
  for (int i = 1; i <= 100; ++i) {
    h.advance(milliseconds{100});
    h.frame(h.last_link(), "D|a|" + std::to_string(i) + "|x");
  }
  const auto q = h.sup.quality(h.now());
  EXPECT_NEAR(q.uptime_percent, 50.0, 1.0);
  EXPECT_NEAR(q.messages_per_second, 100.0 / 20.0, 1.0);
  EXPECT_EQ(q.score, 100);
}

// ---- journal, snapshot, limiter, config ---------------------------------------------

TEST(Supervisor, JournalKeepsTheLastNEvents) {
  auto c = quiet_config();
  c.journal_capacity = 10;
  harness h(c, venue(), {"a"});
  h.start();
  for (int i = 0; i < 30; ++i) {
    h.fail_open(h.last_link(), failure::of(errc::connect_refused));
    h.advance(seconds{11});
  }
  const auto journal = h.sup.journal();
  ASSERT_EQ(journal.size(), 10u);
  EXPECT_EQ(journal.back().kind, h.events.back().kind);
  EXPECT_GT(h.events.size(), 10u);
  for (const auto& e : journal) {
    EXPECT_GE(static_cast<int>(e.level), 1);
    EXPECT_LE(static_cast<int>(e.level), 4);
  }
}

TEST(Supervisor, SnapshotIsReadableFromAnotherThread) {
  harness h(quiet_config(), venue(), {"a"});
  h.start();
  h.open_last();
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto s = h.sup.snapshot();
      if (s.name == "test") ++reads;
      (void)h.sup.is_healthy();
    }
  });
  // Keep publishing until the reader has overlapped with the writer a while.
  int i = 0;
  while (i < 2000 || reads.load() < 20) {
    ++i;
    h.frame(h.last_link(), "D|a|" + std::to_string(i) + "|x");
    if (i % 100 == 0) h.advance(seconds{1});
    if (i > 10'000'000) break;
  }
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  const auto s = h.sup.snapshot();
  EXPECT_EQ(s.state, connection_state::connected);
  EXPECT_EQ(s.counters.messages, static_cast<std::uint64_t>(i / 100 * 100));
  EXPECT_EQ(s.venue, "test");
}

TEST(Supervisor, SharedConnectLimiterSpacesAttempts) {
  auto limiter = std::make_shared<connect_limiter>(2, seconds{10});
  harness h(quiet_config(), venue(), {"a"}, limiter);
  h.start();
  h.open_last();
  // Two more connection storms: the third attempt in 10 s must wait.
  h.close_by_peer(h.last_link());
  h.advance(milliseconds{100});
  const link_id second = h.last_link();
  h.fail_open(second, failure::of(errc::connect_refused));
  h.advance(milliseconds{200});
  EXPECT_EQ(h.last_link(), second) << "the limiter should hold the third attempt";
  h.run_until(time_point{seconds{1'000'010}});
  EXPECT_EQ(h.last_link(), second + 1);
}

TEST(SupervisorConfig, ValidationListsEveryProblem) {
  supervisor_config c;
  c.connect_timeout = seconds{0};
  c.stale_max = seconds{1};
  c.unstable_below = 150;
  c.backoff.multiplier = 0;
  const auto problems = c.validate();
  EXPECT_EQ(problems.size(), 4u);
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_NE(all.find("connect_timeout"), std::string::npos);
  EXPECT_NE(all.find("stale_max"), std::string::npos);
  EXPECT_NE(all.find("unstable_below"), std::string::npos);
  EXPECT_NE(all.find("backoff.multiplier"), std::string::npos);
  EXPECT_THROW(supervisor(c, venue(), {}, time_point{}, 0), std::invalid_argument);
}

TEST(SupervisorConfig, ProfilesExistAndValidate) {
  for (auto name : supervisor_config::profile_names()) {
    auto p = supervisor_config::profile(name);
    ASSERT_TRUE(p.has_value()) << name;
    EXPECT_TRUE(p->validate().empty()) << name;
  }
  EXPECT_FALSE(supervisor_config::profile("turbo").has_value());
}

// The documented values: max_retries, initial_delay, max_delay, multiplier,
// jitter, health_check_interval, connection_timeout, ping_interval,
// pong_timeout, max_consecutive_failures.
TEST(SupervisorConfig, ProfilesCarryTheDocumentedValues) {
  struct row {
    std::string_view name;
    int retries;
    duration initial, max;
    double multiplier, jitter;
    duration health, connect, ping, pong;
    int failures;
  };
  const row rows[] = {
      {"development", 5, seconds{1}, minutes{1}, 2.0, 0.1, seconds{30}, seconds{30}, seconds{30}, seconds{10}, 3},
      {"production", 10, seconds{1}, minutes{5}, 2.0, 0.1, seconds{30}, seconds{30}, seconds{30}, seconds{10}, 5},
      {"high-load", 15, milliseconds{500}, minutes{10}, 1.5, 0.2, seconds{15}, seconds{15}, seconds{15}, seconds{5},
       10},
  };
  for (const auto& r : rows) {
    const auto p = *supervisor_config::profile(r.name);
    SCOPED_TRACE(std::string(r.name));
    EXPECT_EQ(p.backoff.max_attempts, r.retries);
    EXPECT_EQ(p.backoff.initial, r.initial);
    EXPECT_EQ(p.backoff.max, r.max);
    EXPECT_EQ(p.backoff.multiplier, r.multiplier);
    EXPECT_EQ(p.backoff.jitter, jitter_mode::proportional);
    EXPECT_EQ(p.backoff.jitter_fraction, r.jitter);
    EXPECT_EQ(p.health_check_interval, r.health);
    EXPECT_EQ(p.connect_timeout, r.connect);
    EXPECT_EQ(p.ws_ping_interval, r.ping);
    EXPECT_EQ(p.pong_timeout, r.pong);
    EXPECT_EQ(p.reconnect_cluster, r.failures);
    EXPECT_EQ(p.on_retries_exhausted, retries_exhausted_action::probe);
  }
}

}  // namespace
}  // namespace sf

namespace sf {
namespace {

TEST(Supervisor, ATopicThatNeverSpeaksIsReportedOnceAsStale) {
  auto c = quiet_config();
  c.stale_max = seconds{30};
  harness h(c, venue(), {"a", "b"});
  h.auto_ack = true;  // both topics taken by the venue: only one speaks
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  std::uint64_t seq = 0;
  for (int i = 0; i < 290; ++i) {  // 29 s: within stale_max, nothing to say yet
    h.advance(milliseconds{100});
    h.frame(l, "D|a|" + std::to_string(++seq) + "|x");
  }
  EXPECT_FALSE(h.has_event(event_kind::stream_stale));
  for (int i = 0; i < 300; ++i) {
    h.advance(milliseconds{100});
    h.frame(l, "D|a|" + std::to_string(++seq) + "|x");
  }
  std::size_t reports = 0;
  for (const auto& e : h.events)
    if (e.kind == event_kind::stream_stale) {
      ++reports;
      EXPECT_NE(e.reason.find("b has delivered nothing"), std::string::npos) << e.reason;
    }
  EXPECT_EQ(reports, 1u);
  EXPECT_EQ(h.sup.state(), connection_state::connected);  // one silent topic does not drop the others
  EXPECT_EQ(h.sup.snapshot().stale_streams, std::vector<std::string>{"b"});
  h.frame(l, "D|b|1|x");
  EXPECT_TRUE(h.has_event(event_kind::stream_resumed));
}

}  // namespace
}  // namespace sf
