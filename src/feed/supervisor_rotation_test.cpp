// Make-before-break rotation, in virtual time: a whole 24 h lifetime runs in
// milliseconds, and every way the two links can interleave is checked for
// loss and duplicates.
#include <gtest/gtest.h>

#include <deque>

#include "steadyfeed/feed/supervisor.hpp"
#include "support/supervisor_harness.hpp"

namespace sf {
namespace {

using testing::harness;
using testing::test_venue;

// A venue's market: every stream ticks with increasing sequence ids, and each
// open link subscribed to a stream sees every tick, `lag` ticks late.
class market {
 public:
  explicit market(harness& h, std::vector<std::string> streams, bool with_seq = true)
      : h_(h), streams_(std::move(streams)), with_seq_(with_seq) {}

  std::map<link_id, int> lag;         // ticks late per link
  std::set<link_id> muted;            // links that receive nothing
  std::set<std::pair<link_id, std::string>> muted_streams;

  void tick() {
    ++tick_;
    for (const auto& s : streams_) {
      const std::uint64_t seq = ++seq_[s];
      const std::string frame = with_seq_ ? "D|" + s + "|" + std::to_string(seq) + "|p"
                                          : "D|" + s + "|-|" + std::to_string(seq);
      history_.push_back({tick_, s, frame});
    }
    while (!history_.empty() && history_.front().tick + 1000 < tick_) history_.pop_front();
    for (auto& [id, l] : h_.links) {
      if (!l.open || l.closed || muted.contains(id)) continue;
      const int delay = lag.contains(id) ? lag[id] : 0;
      for (const auto& m : history_) {
        if (m.tick + delay != tick_) continue;
        if (!l.topics.contains(m.stream) || muted_streams.contains({id, m.stream})) continue;
        h_.frame(id, m.frame);
        if (h_.links[id].closed) break;
      }
    }
  }
  std::uint64_t produced(const std::string& s) { return seq_[s]; }

 private:
  struct produced_message {
    std::uint64_t tick;
    std::string stream;
    std::string frame;
  };
  harness& h_;
  std::vector<std::string> streams_;
  bool with_seq_;
  std::uint64_t tick_ = 0;
  std::map<std::string, std::uint64_t> seq_;
  std::deque<produced_message> history_;
};

std::shared_ptr<test_venue> binance_like() {
  auto v = std::make_shared<test_venue>();
  v->mode_ = subscribe_mode::url;
  v->limits_.lifetime = hours{24};
  v->limits_.control_messages_per_second = 5;
  v->limits_.pings_count_as_control = true;
  return v;
}

supervisor_config config() {
  supervisor_config c;
  c.name = "rot";
  c.seed = 3;
  c.backoff.jitter = jitter_mode::none;
  c.idle_timeout = seconds{60};
  return c;
}

void open_pending(harness& h) {
  std::vector<link_id> pending;
  for (auto& [id, l] : h.links)
    if (!l.open && !l.closed) pending.push_back(id);
  for (auto id : pending) h.open(id);
}

// Each stream's deliveries are exactly 1..n, once each, in order.
void expect_contiguous(const harness& h, const std::string& stream, std::uint64_t n) {
  std::uint64_t expected = 1;
  for (const auto& d : h.delivered) {
    if (d.stream != stream) continue;
    ASSERT_EQ(d.seq, expected) << stream << ": loss, duplicate or disorder";
    ++expected;
  }
  EXPECT_EQ(expected - 1, n) << stream;
}

TEST(Rotation, A24HourLifetimeRotatesOnceBeforeTheCutAndLosesNothing) {
  harness h(config(), binance_like(), {"a", "b"});
  h.auto_pong = true;
  market mk(h, {"a", "b"});
  h.start();
  open_pending(h);
  const time_point t0 = h.now();
  const time_point end = t0 + hours{24} + minutes{10};
  std::size_t max_open = 0;
  while (h.now() < end) {
    h.advance(seconds{1});
    open_pending(h);
    max_open = std::max(max_open, h.open_link_count());
    // The venue cuts any connection at 24 h.
    for (auto& [id, l] : h.links)
      if (l.open && !l.closed && h.now() - t0 >= hours{24} && id == h.links.begin()->first)
        h.close_by_peer(id);
    mk.tick();
    max_open = std::max(max_open, h.open_link_count());
  }
  EXPECT_EQ(h.sup.counters().rotations, 1u);
  EXPECT_EQ(h.links.size(), 2u);
  EXPECT_EQ(max_open, 2u);
  EXPECT_EQ(h.open_link_count(), 1u);
  EXPECT_EQ(h.transitions.size(), 2u) << "the rotation must not leave `connected`";
  EXPECT_EQ(h.sup.counters().reconnect_attempts, 0u);
  expect_contiguous(h, "a", mk.produced("a"));
  expect_contiguous(h, "b", mk.produced("b"));
  // It started at 23 h 55 min.
  for (const auto& e : h.events)
    if (e.kind == event_kind::rotation_started) {
      EXPECT_NEAR(static_cast<double>(e.time - h.events.front().time), 86'100e6, 2e6);
    }
  EXPECT_TRUE(h.violations.empty());
}

TEST(Rotation, AConfiguredLifetimeOverridesTheVenues) {
  auto c = config();
  c.lifetime = seconds{8};
  c.rotation_margin = seconds{2};
  harness h(c, binance_like(), {"a"});
  market mk(h, {"a"});
  h.start();
  open_pending(h);
  h.advance(seconds{5});
  EXPECT_FALSE(h.sup.rotating());
  h.advance(seconds{1});
  EXPECT_TRUE(h.sup.rotating());
}

TEST(Rotation, NewLinkAheadOfTheOldOneLosesNothing) {
  harness h(config(), binance_like(), {"a"});
  market mk(h, {"a"});
  h.start();
  open_pending(h);
  const link_id old_link = h.last_link();
  mk.lag[old_link] = 3;  // the old link is slow
  for (int i = 0; i < 10; ++i) mk.tick();
  h.sup.request_rotation(h.now(), h.wall(), "test");
  h.drain();
  open_pending(h);
  for (int i = 0; i < 20; ++i) {
    h.advance(milliseconds{100});
    mk.tick();
  }
  EXPECT_EQ(h.sup.counters().rotations, 1u);
  EXPECT_TRUE(h.links[old_link].closed);
  for (int i = 0; i < 10; ++i) mk.tick();
  expect_contiguous(h, "a", mk.produced("a"));
}

TEST(Rotation, ANewLinkSwitchesOnlyOnceTheTopicsItsUrlCouldNotHoldAreSubscribed) {
  auto v = binance_like();
  v->limits_.url_bytes = 60;  // a few topics in the URL, the rest by message
  v->limits_.topics_per_message = 4;
  std::vector<std::string> streams;
  for (int i = 0; i < 30; ++i) streams.push_back("s" + std::to_string(i));
  harness h(config(), v, streams);
  h.auto_ack = true;
  // Only streams the new link's URL names speak: their overlap is confirmed
  // at once, so only the subscriptions still owed can hold the switch back.
  const std::vector<std::string> speaking{"s0", "s1", "s2"};
  market mk(h, speaking);
  h.start();
  open_pending(h);
  h.advance(seconds{10});
  const link_id old_link = h.last_link();
  ASSERT_EQ(h.links[old_link].topics.size(), 30u);
  h.sup.request_rotation(h.now(), h.wall(), "test");
  h.drain();
  const link_id next = h.last_link();
  ASSERT_NE(next, old_link);
  const std::size_t in_url = h.links[next].topics.size();
  ASSERT_LT(in_url, 30u);
  ASSERT_GE(in_url, speaking.size());
  open_pending(h);
  // Subscribing the rest takes several paced messages; the old link carries
  // everything meanwhile.
  bool switched_early = false;
  for (int i = 0; i < 100; ++i) {
    h.advance(milliseconds{100});
    mk.tick();
    if (h.links[old_link].closed && h.links[next].topics.size() < 30) switched_early = true;
  }
  EXPECT_FALSE(switched_early);
  EXPECT_EQ(h.sup.counters().rotations, 1u);
  EXPECT_TRUE(h.links[old_link].closed);
  EXPECT_EQ(h.links[next].topics.size(), 30u);
  for (int i = 0; i < 10; ++i) mk.tick();
  for (const auto& s : speaking) expect_contiguous(h, s, mk.produced(s));
}

TEST(Rotation, NewLinkBehindTheOldOneLosesNothing) {
  harness h(config(), binance_like(), {"a"});
  market mk(h, {"a"});
  h.start();
  open_pending(h);
  for (int i = 0; i < 10; ++i) mk.tick();
  h.sup.request_rotation(h.now(), h.wall(), "test");
  h.drain();
  const link_id next = h.last_link();
  mk.lag[next] = 4;
  open_pending(h);
  for (int i = 0; i < 20; ++i) mk.tick();
  EXPECT_EQ(h.sup.counters().rotations, 1u);
  EXPECT_GT(h.sup.counters().duplicates_dropped, 0u);
  expect_contiguous(h, "a", mk.produced("a") - 4);
}

TEST(Rotation, OverlapTimeoutSwitchesAnywayAndSaysWhichStreams) {
  auto c = config();
  c.overlap_timeout = seconds{5};
  harness h(c, binance_like(), {"a", "b"});
  market mk(h, {"a", "b"});
  h.start();
  open_pending(h);
  for (int i = 0; i < 5; ++i) mk.tick();
  h.sup.request_rotation(h.now(), h.wall(), "test");
  h.drain();
  const link_id next = h.last_link();
  mk.muted_streams.insert({next, "b"});
  open_pending(h);
  for (int i = 0; i < 4; ++i) {
    h.advance(seconds{1});
    mk.tick();
  }
  EXPECT_EQ(h.sup.counters().rotations, 0u);
  h.advance(seconds{1});
  EXPECT_EQ(h.sup.counters().rotations, 1u);
  bool named = false;
  for (const auto& e : h.events)
    if (e.kind == event_kind::rotation_completed && e.reason.find("overlap not shown for b") != std::string::npos &&
        e.level == severity::warning)
      named = true;
  EXPECT_TRUE(named);
}

TEST(Rotation, QuietConnectionSwitchesOnceSubscribed) {
  auto v = std::make_shared<test_venue>();
  v->limits_.lifetime = hours{1};
  auto c = config();
  c.idle_timeout = seconds{0};
  c.rotation_margin = minutes{1};
  harness h(c, v, {"a"});
  h.auto_ack = true;
  h.start();
  open_pending(h);
  h.advance(minutes{59});
  ASSERT_TRUE(h.sup.rotating());
  open_pending(h);
  EXPECT_EQ(h.sup.counters().rotations, 1u);
  EXPECT_EQ(h.open_link_count(), 1u);
}

TEST(Rotation, FailedNewLinkIsRetriedWhileTheOldOneStreams) {
  harness h(config(), binance_like(), {"a"});
  market mk(h, {"a"});
  h.start();
  open_pending(h);
  const link_id old_link = h.last_link();
  h.sup.request_rotation(h.now(), h.wall(), "test");
  h.drain();
  h.fail_open(h.last_link(), failure::of(errc::connect_refused));
  for (int i = 0; i < 5; ++i) {
    h.advance(milliseconds{100});
    mk.tick();
  }
  EXPECT_TRUE(h.sup.rotating());
  EXPECT_GT(h.last_link(), old_link + 1);  // a second try
  open_pending(h);
  for (int i = 0; i < 5; ++i) mk.tick();
  EXPECT_EQ(h.sup.counters().rotations, 1u);
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  expect_contiguous(h, "a", mk.produced("a"));
}

TEST(Rotation, OldLinkDyingMidRotationHandsOverWithoutLoss) {
  harness h(config(), binance_like(), {"a"});
  market mk(h, {"a"});
  h.start();
  open_pending(h);
  const link_id old_link = h.last_link();
  for (int i = 0; i < 5; ++i) mk.tick();
  h.sup.request_rotation(h.now(), h.wall(), "test");
  h.drain();
  const link_id next = h.last_link();
  open_pending(h);
  mk.lag[old_link] = 2;  // the old link falls behind: the new one holds what it has not delivered
  mk.tick();
  mk.tick();
  EXPECT_TRUE(h.sup.rotating());
  h.close_by_peer(old_link);
  EXPECT_EQ(h.sup.primary_link(), next);
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  for (int i = 0; i < 5; ++i) mk.tick();
  expect_contiguous(h, "a", mk.produced("a"));
}

TEST(Rotation, OldLinkDyingBeforeTheNewOneOpensBecomesAReconnect) {
  harness h(config(), binance_like(), {"a"});
  h.start();
  open_pending(h);
  const link_id old_link = h.last_link();
  h.sup.request_rotation(h.now(), h.wall(), "test");
  h.drain();
  const link_id next = h.last_link();
  h.close_by_peer(old_link);
  EXPECT_EQ(h.sup.state(), connection_state::reconnecting);
  h.open(next);
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  EXPECT_EQ(h.sup.primary_link(), next);
  EXPECT_FALSE(h.sup.rotating());
}

TEST(Rotation, MaintenanceNoticeStartsARotation) {
  harness h(config(), binance_like(), {"a"});
  market mk(h, {"a"});
  h.start();
  open_pending(h);
  mk.tick();
  h.frame(h.last_link(), "X|server shutdown");
  EXPECT_TRUE(h.sup.rotating());
  open_pending(h);
  mk.tick();
  mk.tick();
  EXPECT_EQ(h.sup.counters().rotations, 1u);
  expect_contiguous(h, "a", mk.produced("a"));
}

TEST(Rotation, StreamsWithoutSequenceIdsAreDeduplicatedByContent) {
  harness h(config(), binance_like(), {"n"});
  market mk(h, {"n"}, /*with_seq=*/false);
  h.start();
  open_pending(h);
  for (int i = 0; i < 5; ++i) mk.tick();
  h.sup.request_rotation(h.now(), h.wall(), "test");
  h.drain();
  mk.lag[h.last_link()] = 2;
  open_pending(h);
  for (int i = 0; i < 10; ++i) mk.tick();
  EXPECT_EQ(h.sup.counters().rotations, 1u);
  std::vector<std::string> bodies;
  for (const auto& d : h.delivered) bodies.push_back(d.frame);
  std::set<std::string> unique(bodies.begin(), bodies.end());
  EXPECT_EQ(unique.size(), bodies.size()) << "a message was delivered twice";
  EXPECT_EQ(bodies.size(), mk.produced("n") - 2);
}

TEST(Rotation, HoldBufferIsBounded) {
  auto c = config();
  c.overlap_buffer_messages = 5;
  harness h(c, binance_like(), {"a", "b"});
  market mk(h, {"a", "b"});
  h.start();
  open_pending(h);
  const link_id old_link = h.last_link();
  mk.lag[old_link] = 50;  // far behind: overlap cannot be shown soon
  for (int i = 0; i < 60; ++i) mk.tick();
  h.sup.request_rotation(h.now(), h.wall(), "test");
  h.drain();
  open_pending(h);
  for (int i = 0; i < 5; ++i) mk.tick();
  EXPECT_EQ(h.sup.counters().rotations, 1u);
  EXPECT_TRUE(h.links[old_link].closed);
}

}  // namespace
}  // namespace sf

namespace sf {
namespace {

// When each rotation of a connection with `phase` started, over three days.
std::vector<time_point> rotation_times(std::optional<duration> phase) {
  auto c = config();
  c.rotation_phase = phase;
  c.idle_timeout = duration{0};  // a quiet connection: rotations are all that happens
  harness h(c, binance_like(), {"a"});
  h.auto_pong = true;
  h.start();
  open_pending(h);
  std::vector<time_point> out;
  const time_point end = h.now() + hours{72};
  while (h.now() < end) {
    h.advance(minutes{1});
    open_pending(h);
    if (h.sup.counters().rotations > out.size()) out.push_back(h.now());
  }
  return out;
}

TEST(Rotation, RedundantConnectionsRotateOnTheirOwnPhaseOneLifetimeApart) {
  const duration period = hours{24} - minutes{5};  // lifetime − rotation_margin
  const auto first = rotation_times(duration{0});
  const auto second = rotation_times(period / 2);
  ASSERT_GE(first.size(), 3u);
  ASSERT_GE(second.size(), 3u);
  for (const auto* times : {&first, &second})
    for (std::size_t i = 1; i < times->size(); ++i) {
      const auto apart = (*times)[i] - (*times)[i - 1];
      EXPECT_LE(apart, period + minutes{2}) << "a link outlived the period";
      EXPECT_GE(apart, period - minutes{2});
    }
  // Half a period apart, always: never rotating together.
  for (std::size_t i = 0; i < std::min(first.size(), second.size()); ++i) {
    const auto gap = std::chrono::abs(first[i] - second[i]);
    const auto nearest = std::min(gap, period - gap % period);
    EXPECT_GE(nearest, period / 2 - minutes{3}) << "rotation " << i;
  }
}

TEST(Rotation, WithoutAPhaseALinkRotatesOnePeriodAfterItOpened) {
  const auto times = rotation_times(std::nullopt);
  ASSERT_GE(times.size(), 2u);
  const auto apart = times[1] - times[0];
  EXPECT_LE(apart, hours{24} - minutes{5} + minutes{2});
  EXPECT_GE(apart, hours{24} - minutes{5} - minutes{2});
}

}  // namespace
}  // namespace sf
