#include "sim/okx_checksum.hpp"

#include <gtest/gtest.h>

#include "sim/decimal.hpp"

namespace sf::sim {
namespace {

std::int64_t d(const char* text) { return *parse_decimal(text); }

// The OKX documentation's worked strings (venues.md §3.7), values from zlib.crc32.
TEST(OkxChecksum, DocumentationExampleBothSides) {
  order_book book;
  book.set(book_side::bid, d("3366.1"), d("7"));
  book.set(book_side::bid, d("3366"), d("6"));
  book.set(book_side::ask, d("3366.8"), d("9"));
  book.set(book_side::ask, d("3368"), d("8"));
  EXPECT_EQ(okx_checksum_string(book), "3366.1:7:3366.8:9:3366:6:3368:8");
  EXPECT_EQ(okx_checksum(book), -1881014294);
}

TEST(OkxChecksum, DocumentationExampleShortBidSide) {
  order_book book;
  book.set(book_side::bid, d("3366.1"), d("7"));
  book.set(book_side::ask, d("3366.8"), d("9"));
  book.set(book_side::ask, d("3368"), d("8"));
  book.set(book_side::ask, d("3372"), d("8"));
  EXPECT_EQ(okx_checksum_string(book), "3366.1:7:3366.8:9:3368:8:3372:8");
  EXPECT_EQ(okx_checksum(book), 831078360);
}

TEST(OkxChecksum, OnlyTopTwentyFiveLevelsCount) {
  order_book book;
  for (int i = 1; i <= 30; ++i) {
    book.set(book_side::bid, d("100") - i * d("1"), d("1"));
    book.set(book_side::ask, d("100") + i * d("1"), d("1"));
  }
  const auto before = okx_checksum(book);
  book.set(book_side::bid, d("100") - 30 * d("1"), d("5"));  // level 30: outside the top 25
  EXPECT_EQ(okx_checksum(book), before);
  book.set(book_side::bid, d("99"), d("5"));
  EXPECT_NE(okx_checksum(book), before);
}

TEST(OkxChecksum, Crc32MatchesKnownVector) {
  EXPECT_EQ(static_cast<std::uint32_t>(crc32_signed("123456789")), 0xCBF43926u);
}

}  // namespace
}  // namespace sf::sim
