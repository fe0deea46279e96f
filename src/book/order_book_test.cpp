#include "steadyfeed/book/order_book.hpp"

#include <gtest/gtest.h>

#include <map>

#include "steadyfeed/core/random.hpp"

namespace sf {
namespace {

decimal d(const char* s) { return *decimal::parse(s); }

TEST(OrderBook, KeepsBothSidesSortedBestFirst) {
  order_book b;
  b.set_bid(d("100.0"), d("1"));
  b.set_bid(d("101"), d("2"));
  b.set_bid(d("99.5"), d("3"));
  b.set_ask(d("102"), d("1"));
  b.set_ask(d("101.5"), d("4"));
  EXPECT_EQ(b.best_bid()->price, d("101"));
  EXPECT_EQ(b.best_ask()->price, d("101.5"));
  const auto bids = b.top_bids(10);
  ASSERT_EQ(bids.size(), 3u);
  EXPECT_EQ(bids[2].price, d("99.5"));
  EXPECT_FALSE(b.crossed());
}

TEST(OrderBook, PricesCompareNumericallyAndSizesKeepTheirSpelling) {
  order_book b;
  b.set_ask(d("8477"), d("7"));
  b.set_ask(d("8477.00"), d("0.50"));
  ASSERT_EQ(b.ask_depth(), 1u);
  EXPECT_EQ(b.best_ask()->qty.to_string(), "0.50");
}

TEST(OrderBook, ZeroRemovesAndRemovingAbsentLevelsIsHarmless) {
  order_book b;
  b.set_bid(d("1"), d("1"));
  b.set_bid(d("2"), d("0"));
  b.set_bid(d("1"), d("0.000"));
  EXPECT_TRUE(b.empty());
}

TEST(OrderBook, DetectsACrossedBook) {
  order_book b;
  b.set_bid(d("10"), d("1"));
  b.set_ask(d("10"), d("1"));
  EXPECT_TRUE(b.crossed());
}

TEST(OrderBook, SnapshotRecordReplacesTheBook) {
  order_book b;
  b.set_bid(d("5"), d("1"));
  std::vector<price_level> bids{{d("1"), d("2")}}, asks{{d("3"), d("4")}};
  book_record r;
  r.snapshot = true;
  r.bids = bids;
  r.asks = asks;
  b.apply(r);
  EXPECT_EQ(b.bid_depth(), 1u);
  EXPECT_EQ(b.best_bid()->price, d("1"));
}

TEST(OrderBook, MatchesAReferenceMapUnderRandomUpdates) {
  rng r(11);
  order_book b;
  std::map<std::int64_t, std::int64_t> bids, asks;
  for (int i = 0; i < 20'000; ++i) {
    const bool bid = r.below(2);
    const std::int64_t price = bid ? 9000 + static_cast<std::int64_t>(r.below(1000))
                                   : 10000 + static_cast<std::int64_t>(r.below(1000));
    const std::int64_t qty = r.below(4) == 0 ? 0 : static_cast<std::int64_t>(r.below(100));
    auto& ref = bid ? bids : asks;
    if (qty == 0) {
      ref.erase(price);
    } else {
      ref[price] = qty;
    }
    if (bid) {
      b.set_bid(decimal(price, 1), decimal(qty, 3));
    } else {
      b.set_ask(decimal(price, 1), decimal(qty, 3));
    }
  }
  ASSERT_EQ(b.bid_depth(), bids.size());
  ASSERT_EQ(b.ask_depth(), asks.size());
  auto top = b.top_bids(bids.size());
  auto it = bids.rbegin();
  for (const auto& l : top) {
    ASSERT_EQ(l.price, decimal(it->first, 1));
    ASSERT_EQ(l.qty, decimal(it->second, 3));
    ++it;
  }
  EXPECT_EQ(b.best_ask()->price, decimal(asks.begin()->first, 1));
}

}  // namespace
}  // namespace sf
