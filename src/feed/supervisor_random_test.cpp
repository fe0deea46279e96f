// Thousands of seeded random event orders against the supervisor's invariants:
//   * never more than two links, and never two once a rotation has completed;
//   * never a frame sent on a link that is not open;
//   * no timer armed in `failed` (or `disconnected`);
//   * per stream, deliveries strictly increasing: each message at most once;
//   * what the primary link brings is delivered, unless an equal or later id
//     of its stream was delivered already: nothing is dropped;
//   * the state machine never attempts a forbidden transition (it would throw).
// A failing seed is printed; rerun it alone with --gtest_filter and the seed.
#include <gtest/gtest.h>

#include <cstdio>

#include "steadyfeed/core/random.hpp"
#include "steadyfeed/feed/supervisor.hpp"
#include "support/supervisor_harness.hpp"

namespace sf {
namespace {

using testing::harness;
using testing::test_venue;

struct scenario {
  std::uint64_t seed;
  int steps;
};

// What the scenarios reached, so the test proves it explored the interesting states.
struct coverage {
  std::uint64_t rotations = 0, deliveries = 0, duplicates = 0, failed = 0, reconnects = 0,
                unstable = 0, heartbeat_timeouts = 0;
};

void run_scenario(const scenario& sc, coverage& cov) {
  rng r(sc.seed);
  auto v = std::make_shared<test_venue>();
  v->mode_ = r.below(2) ? subscribe_mode::url : subscribe_mode::messages;
  v->limits_.lifetime = r.below(2) ? minutes{10} : duration{0};
  v->limits_.control_messages_per_second = r.below(2) ? 5 : 0;
  v->limits_.topics_per_message = 1 + r.below(3);
  v->limits_.topics_per_connection = r.below(2) ? 4 : 0;
  if (r.below(2)) v->heartbeat_.ws_ping_interval = seconds{1 + static_cast<int>(r.below(20))};
  if (r.below(2)) {
    v->heartbeat_.app_ping_interval = seconds{5 + static_cast<int>(r.below(20))};
    v->heartbeat_.app_ping_payload = "ping";
    v->heartbeat_.app_ping_when_idle = r.below(2);
  }
  v->heartbeat_.pong_timeout = seconds{3};

  supervisor_config c;
  c.name = "random";
  c.seed = sc.seed;
  c.backoff.initial = milliseconds{50};
  c.backoff.max = seconds{5};
  c.backoff.max_attempts = r.below(4) == 0 ? 3 : -1;
  c.on_retries_exhausted = r.below(2) ? retries_exhausted_action::probe : retries_exhausted_action::stop;
  c.rotation_margin = minutes{1};
  c.overlap_timeout = seconds{2 + static_cast<int>(r.below(5))};
  c.overlap_buffer_messages = 1 + r.below(50);
  c.idle_timeout = r.below(2) ? seconds{20} : duration{0};
  c.connect_timeout = seconds{2};
  c.ack_timeout = seconds{2};

  const std::vector<std::string> universe{"a", "b", "c", "d", "e"};
  harness h(c, v, {"a", "b"});
  h.auto_ack = r.below(4) != 0;
  h.auto_pong = r.below(4) != 0;

  std::map<std::string, std::uint64_t> produced;     // the venue's sequence per stream
  std::map<std::string, std::uint64_t> last_seen;    // last delivered per stream
  // Highest id delivered per stream while it stays subscribed (the
  // supervisor's dedup watermark outlives a stop and start).
  std::map<std::string, std::uint64_t> high;
  std::size_t high_counted = 0;
  auto count_high = [&] {
    for (; high_counted < h.delivered.size(); ++high_counted) {
      auto& top = high[h.delivered[high_counted].stream];
      top = std::max(top, h.delivered[high_counted].seq);
    }
  };
  std::size_t delivered_checked = 0;
  bool completed_rotation_seen = false;

  auto check = [&](int step) {
    SCOPED_TRACE(::testing::Message() << "seed " << sc.seed << " step " << step);
    ASSERT_TRUE(h.violations.empty()) << h.violations.front();
    std::size_t live = 0;
    for (const auto& [id, l] : h.links)
      if (!l.closed) ++live;
    ASSERT_LE(live, 2u);
    if (!h.sup.rotating()) {
      ASSERT_LE(live, 1u) << "two links outside a rotation";
    }
    if (h.sup.state() == connection_state::failed || h.sup.state() == connection_state::disconnected) {
      // Failed keeps one timer only while it probes (retries ran out, and
      // on_retries_exhausted is probe); it never holds a link.
      if (h.sup.state() == connection_state::disconnected ||
          c.on_retries_exhausted == retries_exhausted_action::stop) {
        ASSERT_EQ(h.timer, never) << "a timer is armed in " << to_string(h.sup.state());
      }
      ASSERT_EQ(live, 0u);
    }
    for (; delivered_checked < h.delivered.size(); ++delivered_checked) {
      const auto& d = h.delivered[delivered_checked];
      auto it = last_seen.find(d.stream);
      if (it != last_seen.end()) {
        ASSERT_GT(d.seq, it->second) << "stream " << d.stream << " repeated or reordered";
      }
      last_seen[d.stream] = d.seq;
    }
    completed_rotation_seen |= h.sup.counters().rotations > 0;
    if (h.sup.state() == connection_state::unstable) ++cov.unstable;
  };

  h.start();
  for (int step = 0; step < sc.steps; ++step) {
    const auto roll = r.below(100);
    std::vector<link_id> pending, open;
    for (auto& [id, l] : h.links) {
      if (l.closed) continue;
      (l.open ? open : pending).push_back(id);
    }
    if (roll < 15 && !pending.empty()) {
      h.open(pending[r.below(pending.size())]);
    } else if (roll < 18 && !pending.empty()) {
      const errc codes[] = {errc::connect_refused, errc::rate_limited, errc::server_error,
                            errc::tls_handshake_failed, errc::upgrade_rejected};
      const errc code = codes[r.below(r.below(20) == 0 ? 5 : 4)];
      h.fail_open(pending[r.below(pending.size())],
                  failure{make_error_code(code), 0, milliseconds{r.below(3000)}, 0, "random"});
    } else if (roll < 22 && !open.empty()) {
      h.close_by_peer(open[r.below(open.size())], r.below(2) ? errc::reset_by_peer : errc::closed_by_peer);
    } else if (roll < 60) {
      // The market ticks; every open link subscribed to a stream sees it,
      // sometimes late (a lagging link re-sends an older message).
      const std::string& s = universe[r.below(universe.size())];
      const std::uint64_t seq = ++produced[s];
      for (auto id : open) {
        auto& l = h.links[id];
        if (l.closed || !l.topics.contains(s)) continue;
        const std::uint64_t sent = r.below(4) == 0 && seq > 3 ? seq - r.below(3) : seq;
        const char kind = r.below(50) == 0 ? 'S' : 'D';
        if (kind == 'S') continue;  // snapshots restart epochs; covered elsewhere
        const bool primary = id == h.sup.primary_link() && h.sup.subscriptions().contains(s);
        count_high();
        const std::uint64_t covered = high.contains(s) ? high[s] : 0;
        const std::size_t before = h.delivered.size();
        h.frame(id, std::string(1, kind) + "|" + s + "|" + std::to_string(sent) + "|x");
        if (primary) {
          // At least once: delivered now, or covered by what was delivered before.
          bool now = false;
          for (std::size_t i = before; i < h.delivered.size(); ++i)
            now = now || (h.delivered[i].stream == s && h.delivered[i].seq == sent);
          ASSERT_TRUE(now || covered >= sent)
              << "seed " << sc.seed << " step " << step << ": the primary brought " << s << " " << sent
              << " and it was neither delivered nor covered";
        }
      }
    } else if (roll < 75) {
      h.advance(milliseconds{1 + r.below(r.below(10) == 0 ? 120'000 : 3000)});
    } else if (roll < 78) {
      std::vector<std::string> t{universe[r.below(universe.size())]};
      h.sup.subscribe(t, h.now(), h.wall());
      h.drain();
    } else if (roll < 80) {
      std::vector<std::string> t{universe[r.below(universe.size())]};
      h.sup.unsubscribe(t, h.now(), h.wall());
      h.drain();
      last_seen.erase(t[0]);  // a new subscription starts a new stream
      count_high();
      high.erase(t[0]);
    } else if (roll < 82) {
      h.sup.request_rotation(h.now(), h.wall(), "random");
      h.drain();
    } else if (roll < 83) {
      h.sup.request_reconnect(h.now(), h.wall(), "random");
      h.drain();
    } else if (roll < 85 && !open.empty()) {
      const char* frames[] = {"garbage", "X|maintenance", "PING", "PONG", "A|-|c", "N|-|d|no such"};
      h.frame(open[r.below(open.size())], frames[r.below(6)]);
    } else if (roll < 87 && !open.empty()) {
      const link_id id = open[r.below(open.size())];
      if (!h.links[id].pings.empty()) h.pong(id, h.links[id].pings.back());
    } else if (roll < 88) {
      if (r.below(2)) {
        h.sup.stop(h.now(), h.wall(), "random");
      } else {
        h.sup.start(h.now(), h.wall());
      }
      h.drain();
      last_seen.clear();  // a fresh start may legitimately see old ids again
      delivered_checked = h.delivered.size();
    }
    check(step);
    if (::testing::Test::HasFatalFailure()) return;
  }
  (void)completed_rotation_seen;
  const auto& n = h.sup.counters();
  cov.rotations += n.rotations;
  cov.deliveries += n.messages;
  cov.duplicates += n.duplicates_dropped;
  cov.reconnects += n.reconnect_successes;
  cov.heartbeat_timeouts += n.heartbeat_timeouts;
  for (const auto& [from, to] : h.transitions)
    if (to == connection_state::failed) ++cov.failed;
}

#ifdef STEADYFEED_SANITIZED_BUILD
constexpr std::uint64_t seeds = 500;  // each runs several times slower; the optimised build runs them all
#else
constexpr std::uint64_t seeds = 3000;
#endif

TEST(SupervisorRandom, InvariantsHoldOverThousandsOfSeededEventOrders) {
  coverage cov;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    run_scenario({seed, 400}, cov);
    if (HasFatalFailure()) FAIL() << "first failing seed: " << seed;
  }
  std::printf("coverage: %lu rotations, %lu deliveries, %lu duplicates dropped, %lu failed, "
              "%lu reconnects, %lu unstable steps, %lu heartbeat timeouts\n",
              cov.rotations, cov.deliveries, cov.duplicates, cov.failed, cov.reconnects, cov.unstable,
              cov.heartbeat_timeouts);
  // What the seeds must have reached (3000 seeds reach about three times
  // each figure), so that a generator that stopped reaching a path fails.
  const std::uint64_t per_thousand = seeds / 1000;
  EXPECT_GT(cov.rotations, 100u * per_thousand);
  EXPECT_GT(cov.deliveries, 5'000u * per_thousand);
  EXPECT_GT(cov.duplicates, 100u * per_thousand);
  EXPECT_GT(cov.failed, 1'000u * per_thousand);
  EXPECT_GT(cov.reconnects, 1'000u * per_thousand);
  EXPECT_GT(cov.heartbeat_timeouts, 30u * per_thousand);
}

}  // namespace
}  // namespace sf
