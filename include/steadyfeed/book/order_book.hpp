// An L2 order book: price levels with absolute sizes, per side.
//
// Each side is a sorted vector with the best price at the back (bids
// ascending, asks descending), because almost every update touches the top of
// the book: finding a level is a binary search and inserting or erasing near
// the top moves only the few levels behind it. That beats a node-based map by
// several times on real update streams and keeps the book in a few cache lines.
//
// Prices compare numerically, so "8477" and "8477.00" are the same level; the
// size kept is the last one the venue sent, in its own spelling.
//
// Thread safety: none; a book lives on its connection's thread.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "steadyfeed/core/record.hpp"

namespace sf {

class order_book {
 public:
  void clear() noexcept {
    bids_.clear();
    asks_.clear();
  }

  // Sets the size at `price` (zero removes the level; removing an absent level
  // is normal and ignored).
  void set_bid(decimal price, decimal qty) { set(bids_, price, qty, true); }
  void set_ask(decimal price, decimal qty) { set(asks_, price, qty, false); }

  // Applies every level of a record. A snapshot replaces the book first.
  void apply(const book_record& r);

  std::optional<price_level> best_bid() const noexcept {
    return bids_.empty() ? std::nullopt : std::optional(bids_.back());
  }
  std::optional<price_level> best_ask() const noexcept {
    return asks_.empty() ? std::nullopt : std::optional(asks_.back());
  }
  bool crossed() const noexcept {
    return !bids_.empty() && !asks_.empty() && bids_.back().price >= asks_.back().price;
  }
  std::size_t bid_depth() const noexcept { return bids_.size(); }
  std::size_t ask_depth() const noexcept { return asks_.size(); }
  bool empty() const noexcept { return bids_.empty() && asks_.empty(); }

  // Levels best first, at most n.
  std::vector<price_level> top_bids(std::size_t n) const;
  std::vector<price_level> top_asks(std::size_t n) const;

  // Worst-to-best storage order, for iteration without copies.
  std::span<const price_level> bids_worst_first() const noexcept { return bids_; }
  std::span<const price_level> asks_worst_first() const noexcept { return asks_; }

  // Same levels and sizes, compared numerically.
  friend bool operator==(const order_book& a, const order_book& b) noexcept;

 private:
  static void set(std::vector<price_level>& side, decimal price, decimal qty, bool ascending);

  std::vector<price_level> bids_;  // ascending: best (highest) at the back
  std::vector<price_level> asks_;  // descending: best (lowest) at the back
};

}  // namespace sf
