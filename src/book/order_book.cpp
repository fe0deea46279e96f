#include "steadyfeed/book/order_book.hpp"

#include <algorithm>

namespace sf {

void order_book::set(std::vector<price_level>& side, decimal price, decimal qty, bool ascending) {
  auto before = [ascending](const price_level& level, const decimal& p) {
    return ascending ? level.price < p : level.price > p;
  };
  auto it = std::lower_bound(side.begin(), side.end(), price, before);
  const bool found = it != side.end() && it->price == price;
  if (qty.is_zero()) {
    if (found) side.erase(it);
    return;
  }
  if (found) {
    it->qty = qty;
  } else {
    side.insert(it, price_level{price, qty});
  }
}

void order_book::apply(const book_record& r) {
  if (r.snapshot) clear();
  for (const auto& l : r.bids) set_bid(l.price, l.qty);
  for (const auto& l : r.asks) set_ask(l.price, l.qty);
}

std::vector<price_level> order_book::top_bids(std::size_t n) const {
  std::vector<price_level> out;
  for (auto it = bids_.rbegin(); it != bids_.rend() && out.size() < n; ++it) out.push_back(*it);
  return out;
}

std::vector<price_level> order_book::top_asks(std::size_t n) const {
  std::vector<price_level> out;
  for (auto it = asks_.rbegin(); it != asks_.rend() && out.size() < n; ++it) out.push_back(*it);
  return out;
}

bool operator==(const order_book& a, const order_book& b) noexcept {
  auto same = [](const std::vector<price_level>& x, const std::vector<price_level>& y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const price_level& p, const price_level& q) {
      return p.price == q.price && p.qty == q.qty;
    });
  };
  return same(a.bids_, b.bids_) && same(a.asks_, b.asks_);
}

}  // namespace sf
