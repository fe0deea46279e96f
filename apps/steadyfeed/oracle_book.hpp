// The order book as `verify` rebuilds it, from record text alone: price text
// → size text per side. A level whose size is zero is removed; a snapshot
// replaces the book. It shares no code with the client's order_book or
// decimals, so it can judge them.
//
// Prices are keys as written: within one venue both the truth and the
// recording print a price the same way, so any difference in spelling is
// itself a difference.
//
// Thread safety: none; a value.
#pragma once

#include <map>
#include <string>

#include "record_text.hpp"

namespace sf::daemon {

class oracle_book {
 public:
  void apply(const record_text& r);
  void clear() {
    bids_.clear();
    asks_.clear();
  }
  bool operator==(const oracle_book& other) const = default;
  // The first level that differs ("bid 43000.1: 0.5 here, 0.4 there"); empty when equal.
  std::string first_difference(const oracle_book& other) const;
  std::size_t levels() const noexcept { return bids_.size() + asks_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> bids_, asks_;
};

}  // namespace sf::daemon
