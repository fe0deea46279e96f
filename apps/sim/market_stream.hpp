// The market of one (venue, symbol): a deterministic generator of trades and
// L2 book updates, driven by virtual time and nothing else.
//
// Same (seed, venue, symbol, config) and the same sequence of `advance_to`
// times (or any other sequence reaching the same end time) produce the same
// trades and updates, byte for byte: all randomness comes from one sf::rng
// seeded from those values, and event times are a fixed schedule
// (`rate` per second per stream, faster inside bursts), never wall time. This
// is what lets the truth files, the REST history and the live frames agree,
// and what lets library tests reuse the generator as an oracle without sockets.
//
// Ids: trade ids increase by one per trade. Book updates carry a range of
// sequence ids [first_seq, last_seq] (one id per level change, as Binance's
// U/u) chained by prev_seq == previous last_seq (OKX's prevSeqId/seqId).
// After `restart_sequence()` the next update's ids start again near zero while
// its prev_seq still names the last id before the restart: OKX's documented
// "sequence reset after maintenance" (seqId smaller than prevSeqId).
// Trades do not consume book liquidity: the two streams are independent
// random walks that stay plausible (trades print at the current best price).
//
// Thread safety: none; one owner (the server's I/O thread, or a test).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "sim/decimal.hpp"
#include "sim/instrument.hpp"
#include "sim/order_book.hpp"
#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/random.hpp"

namespace sf::sim {

struct trade_event {
  std::uint64_t id = 0;
  std::int64_t price = 0;
  std::int64_t qty = 0;
  bool buyer_is_maker = false;  // true: the taker sold
  wall_us ts = 0;               // exchange time, µs since the epoch
};

struct book_update {
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t prev_seq = 0;  // last_seq of the previous update (or of the initial book)
  std::vector<level> bids;     // absolute sizes, best first; 0 removes
  std::vector<level> asks;
  wall_us ts = 0;
};

struct market_config {
  std::uint64_t seed = 1;
  double rate = 10.0;          // trades per second, and book updates per second
  std::size_t depth = 200;     // levels per side the book hovers around
  duration burst_every{0};     // a burst starts every `burst_every` (0: never)
  duration burst_length{0};    // and lasts this long
  double burst_factor = 10.0;  // rate multiplier inside a burst
  wall_us epoch = 1'700'000'000'000'000;  // wall time at virtual time zero
  std::size_t history = 100'000;          // trades kept for REST backfill
};

class market_stream {
 public:
  // Receives every generated event, in time order.
  class listener {
   public:
    virtual ~listener() = default;
    virtual void on_trade(const market_stream& stream, const trade_event& trade) = 0;
    virtual void on_book_update(const market_stream& stream, const book_update& update) = 0;
  };

  // `venue` names a dialect (dialect_registry.hpp); throws std::invalid_argument for another name.
  market_stream(std::string venue, instrument inst, const market_config& config);

  // Generates every event due at or before virtual time `t` (since start).
  void advance_to(duration t, listener& sink);

  const std::string& venue() const noexcept { return venue_; }
  const instrument& inst() const noexcept { return inst_; }
  // The venue's spelling of the symbol (BTCUSDT, BTC-USDT).
  const std::string& venue_symbol() const noexcept { return venue_symbol_; }
  // How the venue prints this market's prices and sizes.
  number_style numbers() const noexcept { return numbers_; }
  const order_book& book() const noexcept { return book_; }
  std::uint64_t last_seq() const noexcept { return last_seq_; }
  std::uint64_t last_trade_id() const noexcept { return next_trade_id_ - 1; }
  // Trades still in the REST history, oldest first.
  const std::deque<trade_event>& trades() const noexcept { return history_; }
  // The next book update's ids restart at `first_seq` (smaller than last_seq()).
  void restart_sequence(std::uint64_t first_seq) noexcept { restart_at_ = first_seq; }
  // Virtual time reached by the last advance, and its wall time.
  duration now() const noexcept { return now_; }
  wall_us wall_at(duration t) const noexcept { return config_.epoch + t.count() / 1000; }

 private:
  duration period_at(duration t) const noexcept;
  void seed_book();
  book_update next_update(duration t);
  trade_event next_trade(duration t);
  std::size_t pick_index(std::size_t n);

  std::string venue_;
  instrument inst_;
  std::string venue_symbol_;
  number_style numbers_;
  market_config config_;
  sf::rng rng_;
  order_book book_;
  duration period_;
  duration now_{0};
  duration next_trade_at_;
  duration next_book_at_;
  std::uint64_t next_trade_id_ = 0;
  std::uint64_t last_seq_ = 0;
  std::optional<std::uint64_t> restart_at_;
  std::deque<trade_event> history_;
};

// A stable 64-bit hash (FNV-1a) for deriving per-stream seeds.
std::uint64_t stable_hash(std::string_view text, std::uint64_t seed = 0xcbf29ce484222325ULL) noexcept;

}  // namespace sf::sim
