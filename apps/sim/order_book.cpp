#include "sim/order_book.hpp"

#include <iterator>

namespace sf::sim {

namespace {

template <class Map>
void set_level(Map& map, std::int64_t price, std::int64_t qty) {
  if (qty == 0) {
    map.erase(price);
  } else {
    map.insert_or_assign(price, qty);
  }
}

template <class Map>
std::optional<level> level_at(const Map& map, std::size_t index) {
  if (index >= map.size()) return std::nullopt;
  auto it = map.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(index));
  return level{it->first, it->second};
}

template <class Map>
std::vector<level> top_of(const Map& map, std::size_t n) {
  std::vector<level> out;
  const std::size_t count = n == 0 ? map.size() : std::min(n, map.size());
  out.reserve(count);
  for (auto it = map.begin(); out.size() < count; ++it) out.push_back({it->first, it->second});
  return out;
}

}  // namespace

void order_book::set(book_side side, std::int64_t price, std::int64_t qty) {
  if (side == book_side::bid) {
    set_level(bids_, price, qty);
  } else {
    set_level(asks_, price, qty);
  }
}

std::optional<level> order_book::best(book_side side) const noexcept { return at(side, 0); }

std::optional<std::int64_t> order_book::qty_at(book_side side, std::int64_t price) const noexcept {
  if (side == book_side::bid) {
    const auto it = bids_.find(price);
    return it == bids_.end() ? std::nullopt : std::optional{it->second};
  }
  const auto it = asks_.find(price);
  return it == asks_.end() ? std::nullopt : std::optional{it->second};
}

std::optional<level> order_book::at(book_side side, std::size_t index) const noexcept {
  return side == book_side::bid ? level_at(bids_, index) : level_at(asks_, index);
}

std::vector<level> order_book::top(book_side side, std::size_t n) const {
  return side == book_side::bid ? top_of(bids_, n) : top_of(asks_, n);
}

}  // namespace sf::sim
