#include "book/okx_checksum.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "venue/okx.hpp"
#include "venue/venue_fixture.hpp"

namespace sf {
namespace {

price_level level(std::string_view px, std::string_view sz) {
  return {*decimal::parse(px), *decimal::parse(sz)};
}

// venues.md §3.7: the worked strings of OKX's order book page, and their CRC
// values computed with zlib.crc32 (signed).
TEST(OkxChecksum, DocumentedWorkedExampleBothSides) {
  const std::vector<price_level> bids = {level("3366.1", "7"), level("3366", "6")};
  const std::vector<price_level> asks = {level("3366.8", "9"), level("3368", "8")};
  EXPECT_EQ(okx_checksum_text(bids, asks), "3366.1:7:3366.8:9:3366:6:3368:8");
  EXPECT_EQ(okx_checksum(bids, asks), -1881014294);
}

TEST(OkxChecksum, DocumentedWorkedExampleOneSideRunsOut) {
  const std::vector<price_level> bids = {level("3366.1", "7")};
  const std::vector<price_level> asks = {level("3366.8", "9"), level("3368", "8"),
                                         level("3372", "8")};
  EXPECT_EQ(okx_checksum_text(bids, asks), "3366.1:7:3366.8:9:3368:8:3372:8");
  EXPECT_EQ(okx_checksum(bids, asks), 831078360);
}

TEST(OkxChecksum, SpellingMatters) {
  const std::vector<price_level> bids = {level("3366.1", "7"), level("3366.0", "6")};
  const std::vector<price_level> asks = {level("3366.8", "9"), level("3368", "8")};
  EXPECT_EQ(okx_checksum_text(bids, asks), "3366.1:7:3366.8:9:3366.0:6:3368:8");
  EXPECT_NE(okx_checksum(bids, asks), -1881014294);
}

TEST(OkxChecksum, OnlyTheTop25LevelsCount) {
  std::vector<price_level> bids, asks;
  for (int i = 0; i < 30; ++i) {
    bids.push_back(level(std::to_string(1000 - i), "1"));
    asks.push_back(level(std::to_string(1001 + i), "2"));
  }
  const std::vector<price_level> top_bids(bids.begin(), bids.begin() + 25);
  const std::vector<price_level> top_asks(asks.begin(), asks.begin() + 25);
  EXPECT_EQ(okx_checksum(bids, asks), okx_checksum(top_bids, top_asks));
  EXPECT_NE(okx_checksum(bids, asks, 26), okx_checksum(top_bids, top_asks));
}

TEST(OkxChecksum, OverAnOrderBook) {
  order_book book;
  book.set_bid(*decimal::parse("3366"), *decimal::parse("6"));
  book.set_bid(*decimal::parse("3366.1"), *decimal::parse("7"));
  book.set_ask(*decimal::parse("3368"), *decimal::parse("8"));
  book.set_ask(*decimal::parse("3366.8"), *decimal::parse("9"));
  EXPECT_EQ(okx_checksum(book), -1881014294);
}

TEST(OkxChecksum, ZeroMeansNotProvided) {
  const std::vector<price_level> bids = {level("3366.1", "7"), level("3366", "6")};
  const std::vector<price_level> asks = {level("3366.8", "9"), level("3368", "8")};
  EXPECT_EQ(verify_okx_checksum(0, bids, asks), checksum_verdict::not_provided);
  EXPECT_EQ(verify_okx_checksum(-1881014294, bids, asks), checksum_verdict::match);
  EXPECT_EQ(verify_okx_checksum(831078360, bids, asks), checksum_verdict::mismatch);
  EXPECT_EQ(to_string(checksum_verdict::mismatch), "mismatch");
}

TEST(OkxChecksum, DocumentedSnapshotCarriesAPlaceholder) {
  // The snapshot sample's checksum (-855196043) is illustrative (venues.md
  // §3.7): it does not match its own levels, which hash to 2123921068 with zlib.
  okx v;
  const std::string frame = testing::venue_fixture("okx/books_snapshot.json");
  const inbound in = v.decode(frame);
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  const book_record& b = in.records->books.at(0);
  EXPECT_EQ(okx_checksum_text(b.bids, b.asks), "8476.97:256:8476.98:415:8475.55:101:8477:7");
  EXPECT_EQ(okx_checksum(b.bids, b.asks), 2123921068);
  EXPECT_EQ(verify_okx_checksum(b.checksum, b.bids, b.asks), checksum_verdict::mismatch);
}

}  // namespace
}  // namespace sf
