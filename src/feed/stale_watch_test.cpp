#include "steadyfeed/feed/stale_watch.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace sf {
namespace {

const time_point t0{seconds{1000}};

supervisor_config settings() {
  supervisor_config c;
  c.stale_factor = 10;
  c.stale_min = seconds{5};
  c.stale_max = seconds{60};
  c.stale_min_messages = 3;
  return c;
}

// `n` messages of one stream, `gap` apart, the last at `last`.
void feed(const stale_watch& w, stream_activity& a, int n, duration gap, time_point last) {
  for (int i = n - 1; i >= 0; --i) w.on_message(a, last - gap * i);
}

struct stale_seen {
  std::string name;
  duration silent, usual;
};

TEST(StaleWatch, TheThresholdFollowsTheStreamsUsualGapWithinItsBounds) {
  const auto c = settings();
  stale_watch w(c);
  stream_activity busy, slow, quiet;
  feed(w, busy, 10, milliseconds{100}, t0);    // 10 × 100 ms = 1 s, below the 5 s floor
  feed(w, slow, 10, seconds{2}, t0);           // 10 × 2 s = 20 s
  feed(w, quiet, 10, seconds{30}, t0);         // 10 × 30 s = 300 s, above the 60 s ceiling
  EXPECT_EQ(w.threshold("busy", busy), seconds{5});
  EXPECT_EQ(w.threshold("slow", slow), seconds{20});
  EXPECT_EQ(w.threshold("quiet", quiet), seconds{60});
  EXPECT_EQ(stale_watch::usual_gap(slow), seconds{2});
}

TEST(StaleWatch, AnOverrideWinsOverTheLearntThreshold) {
  auto c = settings();
  c.stale_overrides["btcusdt@trade"] = seconds{2};
  stale_watch w(c);
  stream_activity a;
  feed(w, a, 10, seconds{2}, t0);
  EXPECT_EQ(w.threshold("btcusdt@trade", a), seconds{2});
  EXPECT_EQ(w.threshold("ethusdt@trade", a), seconds{20});
}

TEST(StaleWatch, AStreamIsStaleOnceSilentPastItsThresholdReportedOnceAndResumesOnItsNextMessage) {
  const auto c = settings();
  stale_watch w(c);
  std::map<std::string, stream_activity, std::less<>> streams;
  feed(w, streams["a"], 10, seconds{1}, t0);  // threshold 10 s
  feed(w, streams["b"], 10, seconds{1}, t0);
  std::vector<stale_seen> seen;
  auto record = [&](std::string_view name, duration silent, duration usual) {
    seen.push_back({std::string(name), silent, usual});
  };
  auto v = w.check(streams, t0 - hours{1}, t0 + seconds{10}, record);
  EXPECT_EQ(v.liquid, 2u);
  EXPECT_EQ(v.stale, 0u);
  EXPECT_TRUE(seen.empty());

  w.on_message(streams["b"], t0 + seconds{9});
  v = w.check(streams, t0 - hours{1}, t0 + seconds{11}, record);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].name, "a");
  EXPECT_EQ(seen[0].silent, seconds{11});
  EXPECT_EQ(seen[0].usual, seconds{1});
  EXPECT_EQ(v.stale, 1u);
  EXPECT_FALSE(v.all_stale());

  v = w.check(streams, t0 - hours{1}, t0 + seconds{12}, record);
  EXPECT_EQ(seen.size(), 1u);  // still stale, not reported again
  EXPECT_EQ(v.stale, 1u);

  v = w.check(streams, t0 - hours{1}, t0 + seconds{40}, record);
  EXPECT_TRUE(v.all_stale());
  EXPECT_TRUE(w.on_message(streams["a"], t0 + seconds{41}));   // resumed
  EXPECT_FALSE(w.on_message(streams["a"], t0 + seconds{42}));  // and live
}

TEST(StaleWatch, AStreamWithTooLittleHistoryIsQuietNotStale) {
  const auto c = settings();
  stale_watch w(c);
  std::map<std::string, stream_activity, std::less<>> streams;
  feed(w, streams["illiquid"], 2, seconds{1}, t0);
  const auto v = w.check(streams, t0, t0 + hours{5}, [](auto, auto, auto) { ADD_FAILURE() << "reported"; });
  EXPECT_EQ(v.liquid, 0u);
  EXPECT_FALSE(v.all_stale());
}

TEST(StaleWatch, SilenceCountsFromTheFloorWhenTheLinkOpenedLater) {
  const auto c = settings();
  stale_watch w(c);
  std::map<std::string, stream_activity, std::less<>> streams;
  feed(w, streams["a"], 10, seconds{1}, t0);
  const time_point reopened = t0 + seconds{100};
  int reported = 0;
  auto count = [&](auto, auto, auto) { ++reported; };
  EXPECT_EQ(w.check(streams, reopened, reopened + seconds{10}, count).stale, 0u);
  EXPECT_EQ(w.check(streams, reopened, reopened + seconds{11}, count).stale, 1u);
  EXPECT_EQ(reported, 1);
}

}  // namespace
}  // namespace sf
