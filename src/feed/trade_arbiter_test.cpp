#include "steadyfeed/feed/trade_arbiter.hpp"

#include <gtest/gtest.h>

#include "steadyfeed/core/random.hpp"

namespace sf {
namespace {

trade_record trade(std::uint64_t id, std::uint64_t first_id = 0) {
  trade_record t;
  t.symbol = "BTCUSDT";
  t.id = id;
  t.first_id = first_id;
  t.price = decimal(4300010, 2);
  t.qty = decimal(1, 3);
  t.taker = side::buy;
  t.ts_recv = 1;
  return t;
}

struct fixture {
  trade_arbiter arb{"binance-spot", "BTCUSDT"};
  time_point now{seconds{100}};
  std::vector<std::uint64_t> ids;
  std::vector<gap_record> gaps;
  std::vector<backfill_request> requests;

  void collect() {
    for (auto& o : arb.take_outputs()) {
      if (auto* t = std::get_if<trade_record>(&o)) {
        EXPECT_EQ(t->symbol, "BTCUSDT");
        ids.push_back(t->id);
      } else if (auto* g = std::get_if<gap_record>(&o)) {
        gaps.push_back(*g);
      } else if (auto* r = std::get_if<backfill_request>(&o)) {
        requests.push_back(*r);
      }
    }
  }
  // As market_pipeline feeds it: the in-order step first, on_trade otherwise.
  bool in_order_step = false;

  void feed(std::uint64_t id) {
    if (in_order_step) {
      trade_record t = trade(id);
      t.symbol = "elsewhere";
      if (arb.pass_next(t)) {
        EXPECT_EQ(t.symbol, "BTCUSDT");
        ids.push_back(t.id);
        return;
      }
    }
    arb.on_trade(trade(id), now, 0);
    collect();
  }
  void advance(duration d) {
    const time_point end = now + d;
    while (arb.next_deadline() <= end) {
      now = std::max(now, arb.next_deadline());
      arb.on_timer(now, 0);
      collect();
    }
    now = end;
  }
};

TEST(TradeArbiter, EmitsInOrderAndDropsDuplicates) {
  fixture f;
  for (std::uint64_t id : {1, 2, 2, 3, 1, 4}) f.feed(id);
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(f.arb.stats().duplicates, 2u);
}

TEST(TradeArbiter, AnotherConnectionFillsAHoleWithinTheHoldBack) {
  fixture f;
  f.feed(1);
  f.feed(3);  // connection A skipped 2
  f.feed(4);
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{1}));
  f.advance(milliseconds{100});
  f.feed(2);  // connection B had it
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  f.advance(seconds{5});
  EXPECT_TRUE(f.requests.empty());
  EXPECT_TRUE(f.gaps.empty());
  EXPECT_EQ(f.arb.stats().holes_filled, 1u);
}

TEST(TradeArbiter, BackfillFillsAHoleInOrderBeforeLiveTradesContinue) {
  fixture f;
  f.feed(10);
  f.feed(15);
  f.feed(16);
  f.advance(milliseconds{250});
  ASSERT_EQ(f.requests.size(), 1u);
  EXPECT_EQ(f.requests[0].from_id, 11u);
  EXPECT_EQ(f.requests[0].to_id, 14u);
  std::vector<trade_record> page{trade(11), trade(12), trade(13), trade(14), trade(15)};
  f.arb.on_backfill(page, false, f.now, 0);
  f.collect();
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{10, 11, 12, 13, 14, 15, 16}));
  EXPECT_EQ(f.arb.stats().backfilled, 4u);
  EXPECT_TRUE(f.gaps.empty());
}

// SIGTERM while a hole waits for history: the hole becomes a gap record and
// the trades held behind it go out, in order; nothing is dropped at a stop.
TEST(TradeArbiter, ClosingReportsOpenHolesAndReleasesWhatIsHeld) {
  fixture f;
  f.feed(10);
  f.feed(15);
  f.feed(16);
  f.feed(20);
  f.advance(milliseconds{250});
  ASSERT_EQ(f.requests.size(), 1u);  // in flight when the stop comes
  f.arb.close(7);
  f.collect();
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{10, 15, 16, 20}));
  ASSERT_EQ(f.gaps.size(), 2u);
  EXPECT_EQ(f.gaps[0].from, "11");
  EXPECT_EQ(f.gaps[0].to, "14");
  EXPECT_EQ(f.gaps[1].from, "17");
  EXPECT_EQ(f.gaps[1].to, "19");
  EXPECT_EQ(f.gaps[0].ts_recv, 7);
  EXPECT_EQ(f.arb.stats().held, 0u);
  EXPECT_EQ(f.arb.next_deadline(), never);
  // A late history page changes nothing.
  std::vector<trade_record> page{trade(11), trade(12)};
  f.arb.on_backfill(page, false, f.now, 0);
  f.collect();
  EXPECT_EQ(f.ids.size(), 4u);
}

TEST(TradeArbiter, PagesUntilTheHoleIsClosed) {
  fixture f;
  f.feed(1);
  f.feed(3000);
  f.advance(seconds{1});
  ASSERT_EQ(f.requests.size(), 1u);
  std::vector<trade_record> page;
  for (std::uint64_t id = 2; id < 1002; ++id) page.push_back(trade(id));
  f.arb.on_backfill(page, true, f.now, 0);
  f.collect();
  EXPECT_TRUE(f.arb.backfilling());
  EXPECT_EQ(f.arb.open_hole()->from_id, 1002u);
  page.clear();
  for (std::uint64_t id = 1002; id < 3000; ++id) page.push_back(trade(id));
  f.arb.on_backfill(page, true, f.now, 0);
  f.collect();
  EXPECT_FALSE(f.arb.backfilling());
  ASSERT_EQ(f.ids.size(), 3000u);
  for (std::size_t i = 0; i < f.ids.size(); ++i) ASSERT_EQ(f.ids[i], i + 1);
}

TEST(TradeArbiter, BackwardPagesLikeOkxFillTheHoleToo) {
  fixture f;
  f.feed(1);
  f.feed(300);
  f.advance(seconds{1});
  // Newest first, 100 a page: 200..299, then 100..199, then 2..99.
  for (int top : {299, 199, 99}) {
    std::vector<trade_record> page;
    for (int id = top; id > top - 100 && id >= 2; --id) page.push_back(trade(static_cast<std::uint64_t>(id)));
    f.arb.on_backfill(page, true, f.now, 0);
  }
  f.collect();
  ASSERT_EQ(f.ids.size(), 300u);
  EXPECT_TRUE(f.gaps.empty());
}

TEST(TradeArbiter, WhatHistoryCannotGiveBecomesAGapRecord) {
  fixture f;
  f.feed(1);
  f.feed(8);
  f.advance(seconds{1});
  std::vector<trade_record> page{trade(2), trade(3)};  // history ends at 3
  f.arb.on_backfill(page, true, f.now, 0);
  f.collect();
  EXPECT_TRUE(f.gaps.empty());
  f.arb.on_backfill({}, false, f.now, 0);  // nothing more
  f.collect();
  ASSERT_EQ(f.gaps.size(), 1u);
  EXPECT_EQ(f.gaps[0].from, "4");
  EXPECT_EQ(f.gaps[0].to, "7");
  EXPECT_EQ(f.gaps[0].channel, "trades");
  EXPECT_EQ(f.gaps[0].venue, "binance-spot");
  EXPECT_NE(f.gaps[0].reason.find("no trades 4..7"), std::string::npos);
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{1, 2, 3, 8}));
  EXPECT_EQ(f.arb.stats().missing, 4u);
}

TEST(TradeArbiter, FailedBackfillsAreRetriedWithBackoffUntilTheLimitThenReported) {
  trade_arbiter_config c;
  c.backfill_retry_for = seconds{60};
  fixture f;
  f.arb = trade_arbiter("binance-spot", "BTCUSDT", c);
  f.feed(1);
  f.feed(5);
  f.advance(seconds{1});
  ASSERT_EQ(f.requests.size(), 1u);
  const time_point first = f.now;
  // Each failure waits twice as long as the one before: 1 s, 2 s, 4 s ...
  std::vector<duration> waits;
  for (int attempt = 0; attempt < 100 && f.gaps.empty(); ++attempt) {  // bounded: a broken retry fails, not hangs
    const std::size_t asked = f.requests.size();
    f.arb.on_backfill_failed("HTTP 503", f.now, 0);
    f.collect();
    const time_point failed = f.now;
    for (int step = 0; step < 10'000 && f.requests.size() == asked && f.gaps.empty(); ++step)
      f.advance(milliseconds{100});
    if (!f.gaps.empty()) break;
    waits.push_back(f.now - failed);
  }
  ASSERT_GE(waits.size(), 4u);
  EXPECT_EQ(waits[0], seconds{1});
  EXPECT_EQ(waits[1], seconds{2});
  EXPECT_EQ(waits[2], seconds{4});
  EXPECT_EQ(waits[3], seconds{8});
  for (const auto w : waits) EXPECT_LE(w, c.backfill_retry_max);
  ASSERT_EQ(f.gaps.size(), 1u);
  EXPECT_GE(f.now - first, seconds{60});
  EXPECT_NE(f.gaps[0].reason.find("backfill failed for 6"), std::string::npos) << f.gaps[0].reason;
  EXPECT_NE(f.gaps[0].reason.find("HTTP 503"), std::string::npos) << f.gaps[0].reason;
  EXPECT_EQ(f.gaps[0].from, "2");
  EXPECT_EQ(f.gaps[0].to, "4");
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{1, 5}));
  EXPECT_EQ(f.arb.next_deadline(), never);
}

TEST(TradeArbiter, AShortRestOutageIsBackfilledWithoutAGapAndRetryAfterIsHonoured) {
  fixture f;  // the default: ten minutes of retries
  f.feed(1);
  f.feed(5);
  f.advance(seconds{1});
  ASSERT_EQ(f.requests.size(), 1u);
  // Six seconds of 503s and a 429 with Retry-After: 7 s.
  f.arb.on_backfill_failed("HTTP 503", f.now, 0);
  f.advance(seconds{1});
  ASSERT_EQ(f.requests.size(), 2u);
  f.arb.on_backfill_failed("HTTP 429", f.now, 0, seconds{7});
  f.advance(seconds{6});
  EXPECT_EQ(f.requests.size(), 2u) << "asked again before Retry-After";
  f.advance(seconds{1});
  ASSERT_EQ(f.requests.size(), 3u);
  f.advance(seconds{10});  // no reply: a timeout is a failure too
  f.advance(seconds{4});
  ASSERT_EQ(f.requests.size(), 4u);
  // REST answers again: the hole is filled, nothing is reported.
  std::vector<trade_record> page{trade(2), trade(3), trade(4)};
  f.arb.on_backfill(page, false, f.now, 0);
  f.collect();
  EXPECT_TRUE(f.gaps.empty());
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(f.arb.next_deadline(), never);
}

// A backfill that waits its turn under the venue's REST limits is not
// timed out meanwhile: asking again would only queue one more request.
TEST(TradeArbiter, ABackfillWaitingForItsTurnDoesNotTimeOutUntilItIsSent) {
  fixture f;
  f.feed(1);
  f.feed(5);
  f.advance(seconds{1});
  ASSERT_EQ(f.requests.size(), 1u);
  f.arb.on_backfill_waiting();
  EXPECT_EQ(f.arb.next_deadline(), never);
  f.advance(minutes{5});
  EXPECT_EQ(f.requests.size(), 1u) << "asked again while the first request still waited";
  EXPECT_TRUE(f.gaps.empty());
  f.arb.on_backfill_sent(f.now);
  EXPECT_EQ(f.arb.next_deadline(), f.now + trade_arbiter_config{}.backfill_timeout);
  f.advance(trade_arbiter_config{}.backfill_timeout);  // now no reply is a failure, retried after 1 s
  f.advance(seconds{1});
  EXPECT_EQ(f.requests.size(), 2u);
  std::vector<trade_record> page{trade(2), trade(3), trade(4)};
  f.arb.on_backfill(page, false, f.now, 0);
  f.collect();
  EXPECT_TRUE(f.gaps.empty());
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
}

TEST(TradeArbiter, HoldBufferIsBounded) {
  trade_arbiter_config c;
  c.max_held = 10;
  fixture f;
  f.arb = trade_arbiter("okx", "BTCUSDT", c);
  f.feed(1);
  for (std::uint64_t id = 100; id < 120; ++id) f.feed(id);
  ASSERT_EQ(f.gaps.size(), 1u);
  EXPECT_EQ(f.gaps[0].from, "2");
  EXPECT_EQ(f.gaps[0].to, "99");
  EXPECT_EQ(f.ids.size(), 21u);
  EXPECT_LE(f.arb.stats().held, 10u);
}

TEST(TradeArbiter, AggregatesChainByTheirFirstId) {
  fixture f;
  f.arb.on_trade(trade(123, 121), f.now, 0);  // OKX: tradeId 123, count 3
  f.arb.on_trade(trade(124), f.now, 0);
  f.arb.on_trade(trade(127, 126), f.now, 0);  // 125 missing
  f.collect();
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{123, 124}));
  f.advance(seconds{1});
  ASSERT_EQ(f.requests.size(), 1u);
  EXPECT_EQ(f.requests[0].from_id, 125u);
  EXPECT_EQ(f.requests[0].to_id, 125u);
}

TEST(TradeArbiter, AfterARestartTheTradesMissedWhileDownAreBackfilled) {
  fixture f;
  f.arb.resume_after(100);  // the recording ends at trade 100
  f.feed(105);
  f.feed(99);  // a late copy of a recorded trade
  f.feed(106);
  EXPECT_TRUE(f.ids.empty());
  f.advance(milliseconds{250});
  ASSERT_EQ(f.requests.size(), 1u);
  EXPECT_EQ(f.requests[0].from_id, 101u);
  EXPECT_EQ(f.requests[0].to_id, 104u);
  std::vector<trade_record> page{trade(100), trade(101), trade(102), trade(103), trade(104)};
  f.arb.on_backfill(page, false, f.now, 0);
  f.collect();
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{101, 102, 103, 104, 105, 106}));
  EXPECT_TRUE(f.gaps.empty());
  EXPECT_EQ(f.arb.stats().resumes_dropped, 0u);
}

TEST(TradeArbiter, ARestartRightAtTheWatermarkContinuesWithoutAHole) {
  fixture f;
  f.arb.resume_after(100);
  f.feed(101);
  f.feed(102);
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{101, 102}));
  f.advance(seconds{5});
  EXPECT_TRUE(f.requests.empty());
}

TEST(TradeArbiter, LiveIdsBelowTheResumePointStartAfresh) {
  fixture f;
  f.arb.resume_after(5000);  // files of a market whose ids have since reset
  f.feed(7);
  f.feed(8);
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{7, 8}));
  EXPECT_EQ(f.arb.stats().resumes_dropped, 1u);
  f.advance(seconds{5});
  EXPECT_TRUE(f.requests.empty());
  EXPECT_TRUE(f.gaps.empty());
}

TEST(TradeArbiter, ALongOutageFetchesOnlyTheNewestTradesAndReportsTheRest) {
  trade_arbiter_config c;
  c.max_resume_backfill = 10;
  fixture f;
  f.arb = trade_arbiter{"binance-spot", "BTCUSDT", c};
  f.arb.resume_after(100);
  f.feed(1001);
  ASSERT_EQ(f.gaps.size(), 1u);
  EXPECT_EQ(f.gaps[0].from, "101");
  EXPECT_EQ(f.gaps[0].to, "990");
  EXPECT_NE(f.gaps[0].reason.find("restart"), std::string::npos);
  f.advance(milliseconds{250});
  ASSERT_EQ(f.requests.size(), 1u);
  EXPECT_EQ(f.requests[0].from_id, 991u);
  EXPECT_EQ(f.requests[0].to_id, 1000u);
  EXPECT_EQ(f.arb.stats().missing, 890u);
}

TEST(TradeArbiter, ResumeIsIgnoredOnceLiveTradesHaveArrived) {
  fixture f;
  f.feed(10);
  f.arb.resume_after(3);
  f.feed(11);
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{10, 11}));
}

TEST(TradeArbiter, PassNextTakesOnlyTheNextTradeWithNothingOutstanding) {
  fixture f;
  trade_record first = trade(1);
  EXPECT_FALSE(f.arb.pass_next(first)) << "no watermark yet";
  f.feed(1);
  trade_record next = trade(2);
  next.symbol = "elsewhere";
  ASSERT_TRUE(f.arb.pass_next(next));
  EXPECT_EQ(next.symbol, "BTCUSDT");
  EXPECT_EQ(f.arb.stats().emitted, 2u);
  EXPECT_EQ(f.arb.stats().last_id, 2u);
  trade_record again = trade(2), ahead = trade(4);
  EXPECT_FALSE(f.arb.pass_next(again)) << "a duplicate goes through on_trade";
  EXPECT_FALSE(f.arb.pass_next(ahead)) << "a hole goes through on_trade";
  f.feed(4);  // held: id 3 is missing
  trade_record three = trade(3), five = trade(5);
  EXPECT_FALSE(f.arb.pass_next(five)) << "something is held";
  EXPECT_FALSE(f.arb.pass_next(three)) << "the held trade must follow it";
  f.feed(3);
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{1, 3, 4}));
  ASSERT_TRUE(f.arb.pass_next(five));
  EXPECT_EQ(f.arb.stats().emitted, 5u);
}

TEST(TradeArbiter, PassNextWaitsForAResumePointToBeChecked) {
  fixture f;
  f.arb.resume_after(10);
  trade_record t = trade(11);
  EXPECT_FALSE(f.arb.pass_next(t));
  f.feed(11);
  EXPECT_EQ(f.ids, (std::vector<std::uint64_t>{11}));
}

TEST(TradeArbiter, RandomInterleavingsOfTwoLossyConnectionsLoseNothing) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    rng r(seed);
    fixture f;
    f.in_order_step = seed % 2 == 0;  // half the seeds as the pipeline feeds it
    // Two connections, each dropping ~10 % and delivering in bursts; every id
    // reaches at least one of them.
    std::vector<std::pair<int, std::uint64_t>> arrivals;
    for (std::uint64_t id = 1; id <= 500; ++id) {
      // Both see the first trade: it sets the arbiter's starting point.
      const bool a = id == 1 || r.below(10) != 0, b = !a || id == 1 || r.below(10) != 0;
      if (a) arrivals.emplace_back(0, id);
      if (b) arrivals.emplace_back(1, id);
    }
    // Connection B runs up to 5 messages behind A.
    std::stable_sort(arrivals.begin(), arrivals.end(), [&](auto& x, auto& y) {
      auto key = [](auto& p) { return p.second * 2 + (p.first == 1 ? 9 : 0); };
      return key(x) < key(y);
    });
    for (auto& [conn, id] : arrivals) {
      f.feed(id);
      f.advance(milliseconds{1});
    }
    f.advance(seconds{1});
    ASSERT_TRUE(f.requests.empty()) << "seed " << seed;
    ASSERT_EQ(f.ids.size(), 500u) << "seed " << seed;
    for (std::size_t i = 0; i < f.ids.size(); ++i) ASSERT_EQ(f.ids[i], i + 1) << "seed " << seed;
  }
}

}  // namespace
}  // namespace sf
