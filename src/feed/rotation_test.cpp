#include "steadyfeed/feed/rotation.hpp"

#include <gtest/gtest.h>

#include "steadyfeed/feed/stale_watch.hpp"

#include <map>

namespace sf {
namespace {

const time_point t0{seconds{100}};

struct stream : stream_activity, stream_watermark, stream_overlap {};

inbound data(std::string_view name, std::uint64_t seq) {
  inbound in;
  in.kind = inbound_kind::data;
  in.stream = name;
  in.seq = seq;
  in.has_seq = true;
  return in;
}

inbound unsequenced(std::string_view name) {
  inbound in;
  in.kind = inbound_kind::data;
  in.stream = name;
  return in;
}

supervisor_config settings() {
  supervisor_config c;
  c.overlap_timeout = seconds{5};
  c.overlap_active_window = seconds{10};
  c.overlap_buffer_messages = 3;
  c.overlap_buffer_bytes = 1 << 20;
  return c;
}

TEST(RotationOverlap, ACandidateAheadOfTheOldLinkIsHeldUntilTheOldLinkCatchesUp) {
  const auto config = settings();
  rotation r(config);
  std::map<std::string, stream> streams;
  stream_dedup dedup(seconds{60});
  r.begin("lifetime ends", t0);
  EXPECT_TRUE(r.active());
  EXPECT_EQ(r.overlap_deadline(), never);
  r.candidate_opened(t0 + seconds{1});
  EXPECT_EQ(r.overlap_deadline(), t0 + seconds{6});

  stream& s = streams["btcusdt@trade"];
  s.advance(10);  // the old link delivered up to 10
  EXPECT_EQ(r.candidate_message(s, s, dedup, data("btcusdt@trade", 12), "f12", 1),
            rotation::outcome::held);
  EXPECT_FALSE(s.overlapped);
  EXPECT_EQ(r.candidate_message(s, s, dedup, data("btcusdt@trade", 13), "f13", 2),
            rotation::outcome::held);
  // The old link delivers 11, then 12: 12 is the candidate's first, so the two links overlap.
  s.advance(11);
  r.primary_delivered(s, s.watermark);
  EXPECT_FALSE(s.overlapped);
  s.advance(12);
  r.primary_delivered(s, s.watermark);
  EXPECT_TRUE(s.overlapped);

  const auto held = r.take_held();
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].seq, 12u);  // arrival order, frames and receive times kept
  EXPECT_EQ(held[0].frame, "f12");
  EXPECT_EQ(held[1].seq, 13u);
  EXPECT_EQ(held[1].received, 2);
  EXPECT_EQ(r.held_messages(), 0u);
  EXPECT_EQ(r.held_bytes(), 0u);
}

TEST(RotationOverlap, ACandidateBehindTheOldLinkShowsOverlapOnceAndHoldsNothing) {
  const auto config = settings();
  rotation r(config);
  std::map<std::string, stream> streams;
  stream_dedup dedup(seconds{60});
  r.begin("venue notice", t0);
  stream& s = streams["BTC-USDT"];
  s.advance(20);
  EXPECT_EQ(r.candidate_message(s, s, dedup, data("BTC-USDT", 19), "f", 0),
            rotation::outcome::overlap_shown);
  EXPECT_EQ(r.candidate_message(s, s, dedup, data("BTC-USDT", 20), "f", 0),
            rotation::outcome::delivered_already);
  EXPECT_TRUE(s.overlapped);
  EXPECT_EQ(r.held_messages(), 0u);
  EXPECT_EQ(r.candidate_message(s, s, dedup, data("BTC-USDT", 21), "f", 0),
            rotation::outcome::held);
}

TEST(RotationOverlap, StreamsWithoutIdsOverlapByIdentityFromEitherSide) {
  const auto config = settings();
  rotation r(config);
  std::map<std::string, stream> streams;
  stream_dedup dedup(seconds{60});
  r.begin("request", t0);
  stream& s = streams["ticker"];
  // The old link delivered frame A: the candidate's A overlaps.
  dedup.deliver(stream_dedup::identity("ticker", "A"), t0);
  EXPECT_EQ(r.candidate_message(s, s, dedup, unsequenced("ticker"), "A", 0),
            rotation::outcome::overlap_shown);

  // Another stream: the candidate brings B first; the old link's B shows overlap.
  stream& q = streams["quotes"];
  EXPECT_EQ(r.candidate_message(q, q, dedup, unsequenced("quotes"), "B", 0),
            rotation::outcome::held);
  r.primary_delivered_identity(q, stream_dedup::identity("quotes", "C"));
  EXPECT_FALSE(q.overlapped);
  r.primary_delivered_identity(q, stream_dedup::identity("quotes", "B"));
  EXPECT_TRUE(q.overlapped);
  ASSERT_EQ(r.held_messages(), 1u);
  EXPECT_EQ(r.take_held()[0].identity, stream_dedup::identity("quotes", "B"));
}

TEST(RotationOverlap, AFullHoldSaysSwitchOverNow) {
  const auto config = settings();  // three messages
  rotation r(config);
  std::map<std::string, stream> streams;
  stream_dedup dedup(seconds{60});
  r.begin("lifetime ends", t0);
  stream& s = streams["a"];
  EXPECT_EQ(r.candidate_message(s, s, dedup, data("a", 1), "x", 0), rotation::outcome::held);
  EXPECT_EQ(r.candidate_message(s, s, dedup, data("a", 2), "x", 0), rotation::outcome::held);
  EXPECT_EQ(r.candidate_message(s, s, dedup, data("a", 3), "x", 0), rotation::outcome::hold_full);
  EXPECT_GT(r.held_bytes(), 3u);

  auto by_bytes = settings();
  by_bytes.overlap_buffer_bytes = 1;
  rotation small(by_bytes);
  small.begin("lifetime ends", t0);
  stream& b = streams["b"];
  EXPECT_EQ(small.candidate_message(b, b, dedup, data("b", 1), "x", 0),
            rotation::outcome::hold_full);
}

TEST(RotationOverlap, OnlyRecentlyActiveStreamsMustShowOverlap) {
  const auto config = settings();
  rotation r(config);
  std::map<std::string, stream> streams;
  r.begin("lifetime ends", t0);
  streams["quiet"].count = 0;  // never spoke
  streams["old"].count = 5;
  streams["old"].last_msg = t0 - seconds{11};  // outside the ten-second window
  streams["live"].count = 5;
  streams["live"].last_msg = t0 - seconds{1};
  streams["shown"].count = 5;
  streams["shown"].last_msg = t0;
  streams["shown"].overlapped = true;
  EXPECT_EQ(r.without_overlap(streams, t0), std::vector<std::string>{"live"});
  streams["b-live"].count = 1;
  streams["b-live"].last_msg = t0;
  EXPECT_EQ(r.without_overlap(streams, t0), (std::vector<std::string>{"b-live", "live"}));
}

TEST(RotationOverlap, AFailedCandidateVoidsWhatItHeldAndShowed) {
  const auto config = settings();
  rotation r(config);
  std::map<std::string, stream> streams;
  stream_dedup dedup(seconds{60});
  r.begin("lifetime ends", t0);
  r.candidate_opened(t0);
  stream& s = streams["a"];
  s.advance(5);
  r.candidate_message(s, s, dedup, data("a", 4), "x", 0);
  r.candidate_message(s, s, dedup, data("a", 6), "x", 0);
  ASSERT_TRUE(s.overlapped);
  r.candidate_failed(streams);
  EXPECT_TRUE(r.active());  // a new candidate will try
  EXPECT_EQ(r.overlap_deadline(), never);
  EXPECT_EQ(r.held_messages(), 0u);
  EXPECT_FALSE(s.overlapped);
  EXPECT_FALSE(s.candidate_seen);
  EXPECT_EQ(s.watermark, 5u);  // what the old link delivered stays

  // The next candidate starts from scratch: its first id is what counts.
  r.candidate_message(s, s, dedup, data("a", 7), "x", 0);
  EXPECT_EQ(s.candidate_first, 7u);
  r.end(streams);
  EXPECT_FALSE(r.active());
  EXPECT_FALSE(s.candidate_seen);
  // After the rotation nothing the old link delivers counts as overlap.
  r.primary_delivered(s, 100);
  EXPECT_FALSE(s.overlapped);
}

TEST(RotationOverlap, ALinkRotatesTheMarginBeforeItsLifetimeEnds) {
  EXPECT_EQ(rotation::due_at(t0, hours{24}, minutes{5}, std::nullopt), t0 + hours{24} - minutes{5});
  // A margin as long as the lifetime: halfway.
  EXPECT_EQ(rotation::due_at(t0, seconds{30}, seconds{30}, std::nullopt), t0 + seconds{15});
  EXPECT_EQ(rotation::due_at(t0, duration{0}, minutes{5}, std::nullopt), never);
}

TEST(RotationOverlap, APhaseMovesTheRotationBackOntoItsGridNeverLater) {
  const duration period = hours{24} - minutes{5};
  const duration phase = hours{3};
  for (const time_point opened :
       {time_point{hours{1}}, time_point{hours{50}}, time_point{hours{27}} + seconds{1}}) {
    const time_point due = rotation::due_at(opened, hours{24}, minutes{5}, phase);
    EXPECT_LE(due, opened + period);
    EXPECT_GT(due, opened);  // within one period of opening
    EXPECT_EQ((due.time_since_epoch() - phase) % period, duration{0});
  }
  // Two links with phases half a period apart never rotate together.
  const time_point a = rotation::due_at(t0, hours{24}, minutes{5}, duration{0});
  const time_point b = rotation::due_at(t0, hours{24}, minutes{5}, period / 2);
  EXPECT_EQ((a > b ? a - b : b - a) % period, period / 2);
}

}  // namespace
}  // namespace sf
