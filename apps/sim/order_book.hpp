// An L2 order book of fixed-point levels: the simulator's true book for one
// (venue, symbol), which every snapshot, diff and checksum is printed from.
//
// Levels are kept in ordered maps: the generator touches a few levels per
// update and snapshots read the top N in order, both O(log n). Absolute sizes,
// like the venues' diffs: a size of 0 removes the level.
//
// Thread safety: none; owned by one market stream.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace sf::sim {

struct level {
  std::int64_t price = 0;  // units of 10^-8
  std::int64_t qty = 0;    // units of 10^-8; 0 in a diff means "remove"
  friend bool operator==(const level&, const level&) = default;
};

enum class book_side { bid, ask };

class order_book {
 public:
  // Sets the size at `price` on `side`; qty 0 removes the level.
  void set(book_side side, std::int64_t price, std::int64_t qty);

  std::size_t size(book_side side) const noexcept {
    return side == book_side::bid ? bids_.size() : asks_.size();
  }
  std::optional<level> best(book_side side) const noexcept;
  std::optional<std::int64_t> qty_at(book_side side, std::int64_t price) const noexcept;
  // The level at `index` from the top (0 = best); nullopt past the end.
  std::optional<level> at(book_side side, std::size_t index) const noexcept;

  // The best `n` levels of a side, best first (n = 0 means all).
  std::vector<level> top(book_side side, std::size_t n) const;

  friend bool operator==(const order_book&, const order_book&) = default;

 private:
  std::map<std::int64_t, std::int64_t, std::greater<>> bids_;
  std::map<std::int64_t, std::int64_t, std::less<>> asks_;
};

}  // namespace sf::sim
