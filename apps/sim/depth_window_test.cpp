#include "sim/depth_window.hpp"

#include <gtest/gtest.h>

namespace sf::sim {
namespace {

book_update update(std::uint64_t prev, std::uint64_t last, std::vector<level> bids, std::vector<level> asks) {
  book_update u;
  u.prev_seq = prev;
  u.first_seq = prev + 1;
  u.last_seq = last;
  u.bids = std::move(bids);
  u.asks = std::move(asks);
  return u;
}

struct collected {
  std::vector<depth_window::closed> windows;
  depth_window::sink sink() {
    return [this](const depth_window::closed& c) { windows.push_back(c); };
  }
};

TEST(DepthWindow, MergesTheUpdatesOfOneWindowIntoOneEvent) {
  const market_stream s("binance-spot", *make_instrument("BTCUSDT"), market_config{});
  depth_window w(milliseconds{100});
  collected out;
  w.roll(milliseconds{10}, s, out.sink());
  w.add(milliseconds{10}, update(100, 102, {{500, 1}, {490, 2}}, {{510, 3}}));
  w.roll(milliseconds{50}, s, out.sink());
  w.add(milliseconds{50}, update(102, 104, {{500, 0}}, {{520, 4}}));
  w.roll(milliseconds{99}, s, out.sink());
  EXPECT_TRUE(out.windows.empty());
  w.roll(milliseconds{100}, s, out.sink());  // the window [0, 100) ends
  ASSERT_EQ(out.windows.size(), 1u);
  const auto& e = *out.windows[0].merged;
  EXPECT_EQ(e.first_seq, 101u);  // U
  EXPECT_EQ(e.last_seq, 104u);   // u
  EXPECT_EQ(e.prev_seq, 100u);
  // Last size per price, bids best first, asks best first.
  EXPECT_EQ(e.bids, (std::vector<level>{{500, 0}, {490, 2}}));
  EXPECT_EQ(e.asks, (std::vector<level>{{510, 3}, {520, 4}}));
  EXPECT_EQ(e.ts, s.wall_at(milliseconds{100}));
}

TEST(DepthWindow, QuietWindowsAreReportedOnceWithoutAnEvent) {
  const market_stream s("binance-spot", *make_instrument("BTCUSDT"), market_config{});
  depth_window w(milliseconds{100});
  collected out;
  w.add(milliseconds{30}, update(1, 2, {{5, 1}}, {}));
  w.roll(milliseconds{750}, s, out.sink());
  ASSERT_EQ(out.windows.size(), 2u);
  EXPECT_TRUE(out.windows[0].merged);
  EXPECT_EQ(out.windows[0].end, milliseconds{100});
  EXPECT_FALSE(out.windows[1].merged);
  EXPECT_EQ(out.windows[1].end, milliseconds{700});
  w.add(milliseconds{760}, update(2, 3, {}, {{9, 1}}));
  w.roll(milliseconds{800}, s, out.sink());
  ASSERT_EQ(out.windows.size(), 3u);
  EXPECT_EQ(out.windows[2].merged->first_seq, 3u);
}

}  // namespace
}  // namespace sf::sim
