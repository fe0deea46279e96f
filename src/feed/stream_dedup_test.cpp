#include "steadyfeed/feed/stream_dedup.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

const time_point t0{seconds{10}};

TEST(StreamDedup, AWatermarkTakesEachSequenceIdOnceAndInOrder) {
  stream_watermark w;
  EXPECT_FALSE(w.covers(1));
  EXPECT_TRUE(w.advance(5));
  EXPECT_TRUE(w.covers(5));
  EXPECT_TRUE(w.covers(3));
  EXPECT_FALSE(w.advance(5));  // the other link's copy
  EXPECT_FALSE(w.advance(4));  // behind
  EXPECT_TRUE(w.advance(7));   // a gap is not a duplicate: the arbiters see it
  EXPECT_EQ(w.watermark, 7u);
}

TEST(StreamDedup, ASequenceTheVenueRestartedIsTakenFromItsNewStart) {
  stream_watermark w;
  w.advance(1000);
  EXPECT_FALSE(w.advance(3));
  EXPECT_TRUE(w.advance(3, true));
  EXPECT_EQ(w.watermark, 3u);
  EXPECT_TRUE(w.advance(4));
}

TEST(StreamDedup, MessagesWithoutIdsAreKnownByStreamAndBytesForTheWindow) {
  stream_dedup d(seconds{10});
  const auto a = stream_dedup::identity("ticker", "{\"p\":1}");
  EXPECT_NE(a, stream_dedup::identity("ticker", "{\"p\":2}"));
  EXPECT_NE(a, stream_dedup::identity("other", "{\"p\":1}"));
  // The separator keeps ("ab","c") and ("a","bc") apart.
  EXPECT_NE(stream_dedup::identity("ab", "c"), stream_dedup::identity("a", "bc"));
  EXPECT_TRUE(d.deliver(a, t0));
  EXPECT_FALSE(d.deliver(a, t0 + seconds{1}));
  EXPECT_TRUE(d.delivered(a));
  d.expire(t0 + seconds{10});
  EXPECT_TRUE(d.delivered(a));  // still within the window
  d.expire(t0 + seconds{11});
  EXPECT_FALSE(d.delivered(a));
  EXPECT_TRUE(d.deliver(a, t0 + seconds{12}));
}

}  // namespace
}  // namespace sf
