// Normalized records: what steadyfeed emits (design §5), one type per kind.
//
// Records are produced by venue parsers into a reusable `record_batch` so that
// parsing a frame allocates nothing in the steady state: the batch's vectors
// keep their capacity, and string views point into the frame or into the
// adapter's interned symbol table. Copy a record (see owned_* types in the
// arbiter) before the frame buffer is reused.
//
// Identity of a record is (venue, channel, symbol, id): a trade's id, or a book
// update's final sequence id.
//
// Thread safety: value types; a batch belongs to one parser.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/decimal.hpp"

namespace sf {

enum class side : std::uint8_t { buy, sell, unknown };
std::string_view to_string(side s) noexcept;

struct price_level {
  decimal price;
  decimal qty;  // absolute size at this price; zero removes the level
};

struct trade_record {
  std::uint64_t first() const noexcept { return first_id != 0 ? first_id : id; }

  std::string_view symbol;  // the venue's own symbol
  std::uint64_t id = 0;     // the venue's trade id (the last one, for an aggregate)
  // An aggregate of consecutive fills (OKX `trades`: tradeId with count n
  // covers ids tradeId-n+1 .. tradeId) starts here; 0 means a single trade.
  std::uint64_t first_id = 0;
  decimal price;
  decimal qty;
  side taker = side::unknown;
  wall_us ts_exchange = 0;
  wall_us ts_recv = 0;
};

struct book_record {
  std::string_view symbol;
  std::uint64_t seq = 0;        // final update id of this message
  std::uint64_t first_seq = 0;  // first update id covered (Binance U); == seq where unused
  std::uint64_t prev_seq = 0;   // previous message's seq (OKX prevSeqId, Binance pu)
  bool has_prev_seq = false;
  bool snapshot = false;        // full book: replaces what is held
  std::int64_t checksum = 0;
  bool has_checksum = false;
  std::span<const price_level> bids;  // valid after record_batch::seal()
  std::span<const price_level> asks;
  wall_us ts_exchange = 0;
  wall_us ts_recv = 0;
  // Where the levels sit in the batch's storage (set by the parser).
  std::uint32_t bid_offset = 0, bid_count = 0, ask_offset = 0, ask_count = 0;
};

// A range the recorder knows it does not have, and why. Never dropped.
struct gap_record {
  std::string venue;
  std::string channel;
  std::string symbol;
  std::string from;
  std::string to;
  std::string reason;
  wall_us ts_recv = 0;
};

enum class record_kind : std::uint8_t { trade, book, gap };
std::string_view to_string(record_kind k) noexcept;

// One output record of any kind, by reference: what a feed hands its users.
// Exactly the pointer named by `kind` is set; it, and what its views point
// to, is valid for the call it is passed to only.
struct record_view {
  record_kind kind = record_kind::trade;
  std::string_view venue;
  std::string_view channel;  // the stream's channel: "trades" or "book"
  std::string_view symbol;
  wall_us received = 0;
  const trade_record* trade = nullptr;
  const book_record* book = nullptr;
  const gap_record* gap = nullptr;
};

// What one frame parsed into.
class record_batch {
 public:
  void clear() noexcept {
    trades.clear();
    books.clear();
    levels_.clear();
  }
  bool empty() const noexcept { return trades.empty() && books.empty(); }

  // Level storage for books. Parsers append levels and record offsets; seal()
  // then points every book's spans into the storage (which may have moved
  // while it grew).
  std::vector<price_level>& levels() noexcept { return levels_; }
  void seal() noexcept {
    for (auto& b : books) {
      b.bids = {levels_.data() + b.bid_offset, b.bid_count};
      b.asks = {levels_.data() + b.ask_offset, b.ask_count};
    }
  }

  std::vector<trade_record> trades;
  std::vector<book_record> books;

 private:
  std::vector<price_level> levels_;
};

}  // namespace sf
