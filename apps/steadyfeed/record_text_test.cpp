#include "record_text.hpp"

#include <gtest/gtest.h>

#include "oracle_book.hpp"

namespace sf::daemon {
namespace {

TEST(RecordText, FieldsAreTheTextAsWritten) {
  record_text r;
  std::string error;
  ASSERT_TRUE(read_record_text(
      R"({"type":"trade","venue":"okx","symbol":"BTC-USDT","id":"7","price":43000.10,"qty":0.00100000,"side":"buy","ts_exchange":1700000000000000,"ts_recv":1,"extra":{"a":[1,{"b":"x\"y"}]}})",
      r, error))
      << error;
  EXPECT_EQ(r.type, "trade");
  EXPECT_EQ(r.id, "7");
  EXPECT_EQ(r.price, "43000.10");  // not 43000.1: text, not a number
  EXPECT_EQ(r.qty, "0.00100000");
  EXPECT_EQ(r.side, "buy");
  EXPECT_EQ(r.ts_exchange, "1700000000000000");
}

TEST(RecordText, BookLevelsAndSequenceIds) {
  record_text r;
  std::string error;
  ASSERT_TRUE(read_record_text(
      R"({"type":"book","venue":"v","symbol":"S","seq":5,"prev_seq":-1,"snapshot":true,"bids":[[10.0,1],[9.5,2,"x"]],"asks":[],"ts_exchange":1})",
      r, error))
      << error;
  EXPECT_TRUE(r.is_snapshot());
  EXPECT_EQ(r.prev_seq, "-1");
  ASSERT_EQ(r.bids.size(), 2u);
  EXPECT_EQ(r.bids[1].first, "9.5");
  EXPECT_EQ(r.bids[1].second, "2");
  EXPECT_TRUE(r.asks.empty());
}

TEST(RecordText, EveryTruncationIsAnErrorNotACrash) {
  const std::string line =
      R"({"type":"book","venue":"v","symbol":"S","seq":5,"prev_seq":4,"snapshot":false,"bids":[[10.0,1]],"asks":[[11,0]],"ts_exchange":1})";
  record_text r;
  std::string error;
  for (std::size_t n = 0; n < line.size(); ++n) EXPECT_FALSE(read_record_text(line.substr(0, n), r, error)) << n;
  EXPECT_TRUE(read_record_text(line, r, error));
  for (const char* bad : {"", "[]", "{}", R"({"seq":1})", R"({"type":"book"} x)", R"({"type":"book","bids":[1]})"})
    EXPECT_FALSE(read_record_text(bad, r, error)) << bad;
}

TEST(RecordText, ZeroIsAnySpellingOfZero) {
  for (const char* z : {"0", "0.0", "0.00000000", "-0"}) EXPECT_TRUE(is_zero_text(z)) << z;
  for (const char* nz : {"", ".", "0.001", "1", "1e-3", "10"}) EXPECT_FALSE(is_zero_text(nz)) << nz;
}

TEST(OracleBook, LevelsAreSetRemovedAndReplacedByText) {
  record_text snap, update;
  std::string error;
  ASSERT_TRUE(read_record_text(R"({"type":"book","snapshot":true,"bids":[[10.0,1],[9.0,2]],"asks":[[11.0,1]]})", snap, error));
  ASSERT_TRUE(read_record_text(R"({"type":"book","snapshot":false,"bids":[[9.0,0.000],[8.0,3]],"asks":[]})", update, error));
  oracle_book a, b;
  a.apply(snap);
  a.apply(update);
  record_text expect;
  ASSERT_TRUE(read_record_text(R"({"type":"book","snapshot":true,"bids":[[10.0,1],[8.0,3]],"asks":[[11.0,1]]})", expect, error));
  b.apply(expect);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.levels(), 3u);
  // 10.00 is another spelling of 10.0: a difference, named.
  record_text respelt;
  ASSERT_TRUE(read_record_text(R"({"type":"book","snapshot":true,"bids":[[10.00,1],[8.0,3]],"asks":[[11.0,1]]})", respelt, error));
  oracle_book c;
  c.apply(respelt);
  EXPECT_FALSE(a == c);
  EXPECT_EQ(a.first_difference(c), "bid 10.0: 1 here, absent there");
}

}  // namespace
}  // namespace sf::daemon
