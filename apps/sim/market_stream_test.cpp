#include "sim/market_stream.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "sim/truth_writer.hpp"

namespace sf::sim {
namespace {

struct recorder final : market_stream::listener {
  std::vector<trade_event> trades;
  std::vector<book_update> updates;
  std::vector<std::string> lines;
  void on_trade(const market_stream& s, const trade_event& t) override {
    trades.push_back(t);
    lines.push_back(truth_writer::trade_record(s, t));
  }
  void on_book_update(const market_stream& s, const book_update& u) override {
    updates.push_back(u);
    lines.push_back(truth_writer::book_record(s, u));
  }
};

market_config config(std::uint64_t seed, double rate = 100) {
  market_config c;
  c.seed = seed;
  c.rate = rate;
  c.depth = 50;
  return c;
}

TEST(MarketStream, SameSeedSameDataWhateverTheStepping) {
  market_stream a("okx", *make_instrument("BTCUSDT"), config(42));
  market_stream b("okx", *make_instrument("BTCUSDT"), config(42));
  recorder ra, rb;
  a.advance_to(seconds{10}, ra);
  for (int ms = 0; ms <= 10'000; ms += 7) b.advance_to(milliseconds{ms}, rb);
  b.advance_to(seconds{10}, rb);
  ASSERT_EQ(ra.lines.size(), 2000u);
  EXPECT_EQ(ra.lines, rb.lines);
  EXPECT_EQ(a.book(), b.book());
}

TEST(MarketStream, SeedVenueAndSymbolEachChangeTheData) {
  recorder base, other_seed, other_venue, other_symbol;
  market_stream s1("okx", *make_instrument("BTCUSDT"), config(1));
  market_stream s2("okx", *make_instrument("BTCUSDT"), config(2));
  market_stream s3("binance-spot", *make_instrument("BTCUSDT"), config(1));
  market_stream s4("okx", *make_instrument("ETHUSDT"), config(1));
  s1.advance_to(seconds{1}, base);
  s2.advance_to(seconds{1}, other_seed);
  s3.advance_to(seconds{1}, other_venue);
  s4.advance_to(seconds{1}, other_symbol);
  EXPECT_NE(base.trades.front().id, other_seed.trades.front().id);
  EXPECT_NE(base.trades.front().id, other_venue.trades.front().id);
  EXPECT_NE(base.trades.front().id, other_symbol.trades.front().id);
}

TEST(MarketStream, TradeIdsIncreaseByOneAndTimeNeverGoesBack) {
  market_stream s("binance-spot", *make_instrument("ETHUSDT"), config(7, 1000));
  recorder r;
  s.advance_to(seconds{2}, r);
  ASSERT_EQ(r.trades.size(), 2000u);
  for (std::size_t i = 1; i < r.trades.size(); ++i) {
    EXPECT_EQ(r.trades[i].id, r.trades[i - 1].id + 1);
    EXPECT_GE(r.trades[i].ts, r.trades[i - 1].ts);
    EXPECT_GT(r.trades[i].qty, 0);
  }
  EXPECT_EQ(s.last_trade_id(), r.trades.back().id);
  EXPECT_EQ(s.trades().size(), 2000u);
}

TEST(MarketStream, BookUpdatesChainAndReplayToTheTrueBook) {
  market_stream s("okx", *make_instrument("BTCUSDT"), config(9, 1000));
  order_book rebuilt = s.book();
  std::uint64_t last = s.last_seq();
  recorder r;
  s.advance_to(seconds{3}, r);
  ASSERT_EQ(r.updates.size(), 3000u);
  for (const auto& u : r.updates) {
    ASSERT_EQ(u.prev_seq, last);
    ASSERT_EQ(u.first_seq, last + 1);
    ASSERT_EQ(u.last_seq, u.first_seq + u.bids.size() + u.asks.size() - 1);
    last = u.last_seq;
    for (const auto& l : u.bids) rebuilt.set(book_side::bid, l.price, l.qty);
    for (const auto& l : u.asks) rebuilt.set(book_side::ask, l.price, l.qty);
    ASSERT_LT(rebuilt.best(book_side::bid)->price, rebuilt.best(book_side::ask)->price);
  }
  EXPECT_EQ(rebuilt, s.book());
  EXPECT_EQ(s.last_seq(), last);
  EXPECT_GT(s.book().size(book_side::bid), 5u);
  EXPECT_GT(s.book().size(book_side::ask), 5u);
}

TEST(MarketStream, BurstsRaiseTheRate) {
  market_config c = config(3, 100);
  c.burst_every = seconds{1};
  c.burst_length = milliseconds{100};
  c.burst_factor = 10;
  market_stream s("okx", *make_instrument("BTCUSDT"), c);
  recorder r;
  s.advance_to(seconds{1}, r);
  // 100 ms at 1000/s plus 900 ms at 100/s: about 190 trades instead of 100.
  EXPECT_GT(r.trades.size(), 170u);
  EXPECT_LT(r.trades.size(), 210u);
}

TEST(MarketStream, ZeroRateGeneratesNothing) {
  market_stream s("okx", *make_instrument("BTCUSDT"), config(3, 0));
  recorder r;
  s.advance_to(hours{1}, r);
  EXPECT_TRUE(r.trades.empty());
  EXPECT_TRUE(r.updates.empty());
}

TEST(MarketStream, RestartedSequenceStartsSmallAndNamesThePreviousId) {
  market_stream s("okx", *make_instrument("BTCUSDT"), config(3));
  recorder r;
  s.advance_to(milliseconds{100}, r);
  const auto before = s.last_seq();
  s.restart_sequence(1);
  s.advance_to(milliseconds{200}, r);
  const auto it = std::find_if(r.updates.begin(), r.updates.end(), [&](const book_update& u) { return u.prev_seq == before; });
  ASSERT_NE(it, r.updates.end());
  EXPECT_EQ(it->first_seq, 1u);
  EXPECT_LT(it->last_seq, before);
  ASSERT_NE(it + 1, r.updates.end());
  EXPECT_EQ((it + 1)->prev_seq, it->last_seq);
  EXPECT_EQ((it + 1)->first_seq, it->last_seq + 1);
}

}  // namespace
}  // namespace sf::sim
