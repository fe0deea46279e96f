#include "steadyfeed/book/book_sync.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

decimal d(const char* s) { return *decimal::parse(s); }

const time_point t0{seconds{100}};

// Owns the levels behind a book_record for tests.
struct msg {
  std::vector<price_level> bids, asks;
  book_record r;
  msg(std::uint64_t first, std::uint64_t last, std::vector<price_level> b, std::vector<price_level> a,
      bool snapshot = false)
      : bids(std::move(b)), asks(std::move(a)) {
    r.symbol = "BNBBTC";
    r.first_seq = first;
    r.seq = last;
    r.snapshot = snapshot;
    r.bids = bids;
    r.asks = asks;
  }
  msg& prev(std::uint64_t p) {
    r.prev_seq = p;
    r.has_prev_seq = true;
    return *this;
  }
};

struct recorder {
  std::vector<book_record> records;
  std::vector<gap_record> gaps;
  std::vector<std::pair<resync_kind, std::string>> resyncs;
  void attach(book_sync& s) {
    s.set_callbacks({[this](const book_record& r) { records.push_back(r); },
                     [this](const gap_record& g) { gaps.push_back(g); },
                     [this](resync_kind k, std::string_view why) { resyncs.emplace_back(k, std::string(why)); }});
  }
};

TEST(BookSyncBinance, BuffersDiffsFetchesASnapshotAndChains) {
  book_sync s("binance-spot", "BNBBTC", book_continuity::update_id_range);
  recorder rec;
  rec.attach(s);
  msg a(157, 160, {{d("0.0024"), d("10")}}, {{d("0.0026"), d("100")}});
  msg b(161, 165, {{d("0.0024"), d("0")}}, {});
  s.on_message(a.r, 0, t0);
  s.on_message(b.r, 0, t0);
  ASSERT_EQ(rec.resyncs.size(), 1u);
  EXPECT_EQ(rec.resyncs[0].first, resync_kind::rest_snapshot);
  EXPECT_TRUE(rec.records.empty());
  // lastUpdateId 158 lies within the first diff: drop nothing older than it.
  msg snap(158, 158, {{d("0.0023"), d("5")}}, {{d("0.0027"), d("1")}}, true);
  s.on_snapshot(snap.r, 0, t0);
  ASSERT_EQ(rec.records.size(), 3u);
  EXPECT_TRUE(rec.records[0].snapshot);
  EXPECT_EQ(s.stats().seq, 165u);
  EXPECT_TRUE(s.synced());
  EXPECT_EQ(s.book().best_bid()->price, d("0.0023"));  // 0.0024 added then removed
  EXPECT_EQ(s.book().best_ask()->price, d("0.0026"));
  EXPECT_TRUE(rec.gaps.empty());
}

TEST(BookSyncBinance, DropsDiffsTheSnapshotAlreadyHas) {
  book_sync s("binance-spot", "BNBBTC", book_continuity::update_id_range);
  recorder rec;
  rec.attach(s);
  msg a(100, 105, {}, {{d("2"), d("1")}});
  msg b(106, 110, {}, {{d("2"), d("3")}});
  s.on_message(a.r, 0, t0);
  s.on_message(b.r, 0, t0);
  msg snap(0, 107, {{d("1"), d("1")}}, {{d("2"), d("9")}}, true);
  s.on_snapshot(snap.r, 0, t0);
  ASSERT_EQ(rec.records.size(), 2u);  // snapshot, then b (straddles 108)
  EXPECT_EQ(rec.records[1].seq, 110u);
  EXPECT_EQ(s.stats().stale_dropped, 1u);
}

TEST(BookSyncBinance, ASnapshotOlderThanTheBufferIsFetchedAgain) {
  book_sync s("binance-spot", "BNBBTC", book_continuity::update_id_range);
  recorder rec;
  rec.attach(s);
  msg a(200, 205, {}, {});
  s.on_message(a.r, 0, t0);
  msg old(0, 150, {}, {}, true);
  s.on_snapshot(old.r, 0, t0);
  EXPECT_EQ(rec.resyncs.size(), 2u);
  EXPECT_TRUE(rec.records.empty());
  EXPECT_FALSE(s.synced());
}

TEST(BookSyncBinance, AGapEmitsAGapRecordAndResyncs) {
  book_sync s("binance-spot", "BNBBTC", book_continuity::update_id_range);
  recorder rec;
  rec.attach(s);
  msg a(10, 12, {{d("1"), d("1")}}, {{d("3"), d("1")}});
  s.on_message(a.r, 0, t0);
  msg snap(0, 11, {{d("1"), d("1")}}, {{d("3"), d("1")}}, true);
  s.on_snapshot(snap.r, 0, t0);
  ASSERT_TRUE(s.synced());
  msg skip(20, 25, {{d("1"), d("2")}}, {});
  s.on_message(skip.r, 0, t0);
  // Held first, for another connection's copy of 13..19.
  EXPECT_TRUE(rec.gaps.empty());
  EXPECT_EQ(s.next_deadline(), t0 + milliseconds{250});
  s.on_timer(t0 + milliseconds{249}, 0);
  EXPECT_TRUE(rec.gaps.empty());
  s.on_timer(t0 + milliseconds{250}, 0);
  ASSERT_EQ(rec.gaps.size(), 1u);
  EXPECT_EQ(s.next_deadline(), never);
  EXPECT_EQ(rec.gaps[0].from, "13");
  EXPECT_EQ(rec.gaps[0].to, "19");
  EXPECT_EQ(rec.gaps[0].channel, "book");
  EXPECT_FALSE(s.synced());
  EXPECT_TRUE(s.book().empty());  // no ghost levels
  EXPECT_EQ(rec.resyncs.size(), 2u);
  msg snap2(0, 22, {{d("1"), d("7")}}, {{d("3"), d("1")}}, true);
  s.on_snapshot(snap2.r, 0, t0);
  EXPECT_TRUE(s.synced());
  EXPECT_EQ(s.stats().seq, 25u);
  EXPECT_EQ(s.book().best_bid()->qty, d("2"));
}

TEST(BookSyncBinance, ACrossedBookResyncs) {
  book_sync s("binance-spot", "BNBBTC", book_continuity::update_id_range);
  recorder rec;
  rec.attach(s);
  msg a(1, 1, {}, {});
  s.on_message(a.r, 0, t0);
  msg snap(0, 1, {{d("1"), d("1")}}, {{d("3"), d("1")}}, true);
  s.on_snapshot(snap.r, 0, t0);
  msg cross(2, 2, {{d("4"), d("1")}}, {});
  s.on_message(cross.r, 0, t0);
  EXPECT_FALSE(s.synced());
  ASSERT_EQ(rec.resyncs.size(), 2u);
  EXPECT_NE(rec.resyncs[1].second.find("crossed"), std::string::npos);
}

TEST(BookSyncBinance, ResetForgetsTheBook) {
  book_sync s("binance-spot", "BNBBTC", book_continuity::update_id_range);
  msg a(1, 1, {}, {});
  s.on_message(a.r, 0, t0);
  msg snap(0, 1, {{d("1"), d("1")}}, {}, true);
  s.on_snapshot(snap.r, 0, t0);
  s.reset();
  EXPECT_TRUE(s.book().empty());
  EXPECT_FALSE(s.synced());
  msg late(0, 1, {{d("1"), d("1")}}, {}, true);
  s.on_snapshot(late.r, 0, t0);  // not asked for since the reset: ignored
  EXPECT_FALSE(s.synced());
}

TEST(BookSyncOkx, ChainsBySeqIdWithKeepAlivesAndResets) {
  book_sync s("okx", "BTC-USDT", book_continuity::prev_seq_chain);
  recorder rec;
  rec.attach(s);
  // The documented example: snapshot (-1,10) → (10,15) → (15,15) → (15,3) → (3,5).
  msg snap(10, 10, {{d("8476.97"), d("256")}}, {{d("8476.98"), d("415")}}, true);
  s.on_message(snap.r, 0, t0);
  msg u1(15, 15, {{d("8476.97"), d("250")}}, {});
  s.on_message(u1.prev(10).r, 0, t0);
  msg keep(15, 15, {}, {});
  s.on_message(keep.prev(15).r, 0, t0);
  msg reset(3, 3, {}, {{d("8477"), d("1")}});
  s.on_message(reset.prev(15).r, 0, t0);
  msg u2(5, 5, {}, {});
  s.on_message(u2.prev(3).r, 0, t0);
  EXPECT_TRUE(rec.gaps.empty());
  EXPECT_EQ(rec.records.size(), 5u);
  EXPECT_EQ(s.stats().seq, 5u);
  msg bad(9, 9, {}, {});
  s.on_message(bad.prev(7).r, 0, t0);
  EXPECT_TRUE(rec.gaps.empty());
  s.on_timer(t0 + milliseconds{250}, 0);
  ASSERT_EQ(rec.gaps.size(), 1u);
  EXPECT_EQ(rec.gaps[0].from, "6");
  EXPECT_EQ(rec.gaps[0].to, "7");
  EXPECT_EQ(rec.resyncs.back().first, resync_kind::resubscribe);
  EXPECT_FALSE(s.synced());
}

TEST(BookSyncOkx, ARedundantConnectionsOlderSnapshotIsIgnored) {
  book_sync s("okx", "BTC-USDT", book_continuity::prev_seq_chain);
  recorder rec;
  rec.attach(s);
  msg snap(10, 10, {{d("1"), d("1")}}, {{d("2"), d("1")}}, true);
  s.on_message(snap.r, 0, t0);
  msg u(11, 11, {{d("1"), d("5")}}, {});
  s.on_message(u.prev(10).r, 0, t0);
  s.on_message(snap.r, 0, t0);  // the second connection subscribes late
  EXPECT_EQ(s.book().best_bid()->qty, d("5"));
  EXPECT_EQ(rec.records.size(), 2u);
  EXPECT_EQ(s.stats().stale_dropped, 1u);
}

TEST(BookSyncOkx, RedundantCopiesOfUpdatesAreNotGaps) {
  book_sync s("okx", "BTC-USDT", book_continuity::prev_seq_chain);
  recorder rec;
  rec.attach(s);
  msg snap(10, 10, {{d("1"), d("1")}}, {{d("2"), d("1")}}, true);
  s.on_message(snap.r, 0, t0);
  msg a(11, 11, {{d("1"), d("2")}}, {});
  msg b(12, 12, {{d("1"), d("3")}}, {});
  msg reset(3, 3, {{d("1"), d("4")}}, {});
  a.prev(10);
  b.prev(11);
  reset.prev(12);
  for (auto* m : {&a, &a, &b, &a, &b, &reset, &b, &reset}) s.on_message(m->r, 0, t0);
  EXPECT_TRUE(rec.gaps.empty());
  EXPECT_TRUE(s.synced());
  EXPECT_EQ(s.book().best_bid()->qty, d("4"));
  EXPECT_EQ(rec.records.size(), 4u);
}

TEST(BookSyncOkx, ChecksumMismatchResyncsAndZeroIsNotChecked) {
  book_sync_config c;
  c.checksum = [](const order_book& b) { return static_cast<std::int64_t>(b.bid_depth()); };
  book_sync s("okx", "BTC-USDT", book_continuity::prev_seq_chain, c);
  recorder rec;
  rec.attach(s);
  msg snap(1, 1, {{d("1"), d("1")}}, {{d("2"), d("1")}}, true);
  snap.r.has_checksum = true;
  snap.r.checksum = 0;  // deprecated: always zero since 2026
  s.on_message(snap.r, 0, t0);
  EXPECT_TRUE(s.synced());
  msg u(2, 2, {{d("0.5"), d("1")}}, {});
  u.prev(1);
  u.r.has_checksum = true;
  u.r.checksum = 7;  // our function says 2
  s.on_message(u.r, 0, t0);
  EXPECT_FALSE(s.synced());
  EXPECT_EQ(s.stats().checksum_failures, 1u);
}

TEST(BookSyncSnapshots, EveryMessageReplacesTheBook) {
  book_sync s("hyperliquid", "SOL", book_continuity::snapshots_only);
  msg a(0, 1, {{d("124.04"), d("341.81")}}, {{d("124.05"), d("427.89")}});
  msg b(0, 2, {{d("124.00"), d("1")}}, {{d("124.10"), d("2")}});
  s.on_message(a.r, 0, t0);
  s.on_message(b.r, 0, t0);
  EXPECT_EQ(s.book().bid_depth(), 1u);
  EXPECT_EQ(s.book().best_bid()->price, d("124"));
}

// ---- redundancy: a hole one connection leaves, another fills ---------------------

TEST(BookSyncOkx, AnUpdateBeyondAHoleWaitsForTheOtherConnectionsCopy) {
  book_sync s("okx", "BTC-USDT", book_continuity::prev_seq_chain);
  recorder rec;
  rec.attach(s);
  msg snap(10, 10, {{d("1"), d("1")}}, {{d("2"), d("1")}}, true);
  s.on_message(snap.r, 0, t0);
  msg u11(11, 11, {{d("1"), d("2")}}, {});
  msg u12(12, 12, {{d("1"), d("3")}}, {});
  msg u13(13, 13, {{d("1"), d("4")}}, {});
  u11.prev(10);
  u12.prev(11);
  u13.prev(12);
  // Connection A lost 11; its 12 and 13 arrive first.
  s.on_message(u12.r, 0, t0);
  s.on_message(u13.r, 0, t0 + milliseconds{10});
  EXPECT_EQ(rec.records.size(), 1u);  // nothing beyond the hole is emitted yet
  EXPECT_EQ(s.next_deadline(), t0 + milliseconds{250});
  // Connection B brings 11, then its own copies of 12 and 13.
  s.on_message(u11.r, 0, t0 + milliseconds{100});
  s.on_message(u12.r, 0, t0 + milliseconds{101});
  s.on_message(u13.r, 0, t0 + milliseconds{102});
  s.on_timer(t0 + seconds{1}, 0);
  EXPECT_TRUE(rec.gaps.empty());
  EXPECT_TRUE(rec.resyncs.empty());
  ASSERT_EQ(rec.records.size(), 4u);
  EXPECT_EQ(rec.records[1].seq, 11u);  // in order, each once
  EXPECT_EQ(rec.records[2].seq, 12u);
  EXPECT_EQ(rec.records[3].seq, 13u);
  EXPECT_EQ(s.book().best_bid()->qty, d("4"));
  EXPECT_EQ(s.stats().holes_bridged, 1u);
  EXPECT_EQ(s.next_deadline(), never);
}

TEST(BookSyncOkx, ASnapshotThatCoversTheHeldUpdatesEndsTheWait) {
  book_sync s("okx", "BTC-USDT", book_continuity::prev_seq_chain);
  recorder rec;
  rec.attach(s);
  msg snap(10, 10, {{d("1"), d("1")}}, {{d("2"), d("1")}}, true);
  s.on_message(snap.r, 0, t0);
  msg u12(12, 12, {{d("1"), d("3")}}, {});
  s.on_message(u12.prev(11).r, 0, t0);
  msg later(20, 20, {{d("1"), d("9")}}, {{d("2"), d("1")}}, true);
  s.on_message(later.r, 0, t0 + milliseconds{50});
  EXPECT_EQ(s.next_deadline(), never);
  s.on_timer(t0 + seconds{1}, 0);
  EXPECT_TRUE(rec.gaps.empty());
  EXPECT_EQ(s.stats().seq, 20u);
}

TEST(BookSyncBinance, ADiffBeyondAHoleWaitsForTheOtherConnectionsCopy) {
  book_sync s("binance-spot", "BNBBTC", book_continuity::update_id_range);
  recorder rec;
  rec.attach(s);
  msg first(10, 12, {{d("1"), d("1")}}, {{d("3"), d("1")}});
  s.on_message(first.r, 0, t0);
  msg snap(0, 12, {{d("1"), d("1")}}, {{d("3"), d("1")}}, true);
  s.on_snapshot(snap.r, 0, t0);
  ASSERT_TRUE(s.synced());
  const std::size_t before = rec.records.size();
  msg a(13, 15, {{d("1"), d("2")}}, {});
  msg b(16, 18, {{d("1"), d("3")}}, {});
  msg c(19, 20, {{d("1"), d("4")}}, {});
  // Connection A lost 13..15; connection B's diffs straddle differently.
  msg b_wide(13, 17, {{d("1"), d("2")}}, {});
  s.on_message(b.r, 0, t0);
  s.on_message(c.r, 0, t0);
  EXPECT_EQ(rec.records.size(), before);
  s.on_message(b_wide.r, 0, t0 + milliseconds{200});  // 13..17, then 16..18 and 19..20 continue it
  s.on_message(a.r, 0, t0 + milliseconds{201});       // B's copies: stale now
  s.on_timer(t0 + seconds{1}, 0);
  EXPECT_TRUE(rec.gaps.empty());
  ASSERT_EQ(rec.records.size(), before + 3);
  EXPECT_EQ(rec.records[before].seq, 17u);
  EXPECT_EQ(rec.records[before + 1].seq, 18u);
  EXPECT_EQ(rec.records[before + 2].seq, 20u);
  EXPECT_EQ(s.stats().seq, 20u);
  EXPECT_EQ(s.book().best_bid()->qty, d("4"));
  EXPECT_EQ(s.stats().holes_bridged, 1u);
}

TEST(BookSyncBinance, WithoutAWaitOrBeyondItsBoundAHoleBreaksAtOnce) {
  for (const bool no_wait : {true, false}) {
    book_sync_config c;
    if (no_wait) c.gap_wait = duration{0};
    c.max_buffered = 2;
    book_sync s("binance-spot", "BNBBTC", book_continuity::update_id_range, c);
    recorder rec;
    rec.attach(s);
    msg first(10, 12, {{d("1"), d("1")}}, {{d("3"), d("1")}});
    s.on_message(first.r, 0, t0);
    msg snap(0, 12, {{d("1"), d("1")}}, {{d("3"), d("1")}}, true);
    s.on_snapshot(snap.r, 0, t0);
    msg x(20, 21, {}, {}), y(22, 23, {}, {}), z(24, 25, {}, {});
    s.on_message(x.r, 0, t0);
    s.on_message(y.r, 0, t0);
    if (!no_wait) {
      EXPECT_TRUE(rec.gaps.empty());
      s.on_message(z.r, 0, t0);  // a third would pass the bound of two
    }
    ASSERT_EQ(rec.gaps.size(), 1u) << no_wait;
    EXPECT_EQ(rec.gaps[0].from, "13");
    EXPECT_EQ(rec.gaps[0].to, "19");
    EXPECT_FALSE(s.synced());
  }
}

}  // namespace
}  // namespace sf
