#include "oracle_book.hpp"

#include <fmt/format.h>

namespace sf::daemon {
namespace {

using side_map = std::map<std::string, std::string, std::less<>>;

void apply_side(side_map& side, const std::vector<record_text::level>& levels) {
  for (const auto& [price, size] : levels) {
    if (is_zero_text(size)) {
      if (auto it = side.find(price); it != side.end()) side.erase(it);
    } else {
      side.insert_or_assign(std::string(price), std::string(size));
    }
  }
}

std::string side_difference(const char* name, const side_map& a, const side_map& b) {
  for (const auto& [price, size] : a) {
    auto it = b.find(price);
    if (it == b.end()) return fmt::format("{} {}: {} here, absent there", name, price, size);
    if (it->second != size) return fmt::format("{} {}: {} here, {} there", name, price, size, it->second);
  }
  for (const auto& [price, size] : b)
    if (!a.contains(price)) return fmt::format("{} {}: absent here, {} there", name, price, size);
  return {};
}

}  // namespace

void oracle_book::apply(const record_text& r) {
  if (r.is_snapshot()) clear();
  apply_side(bids_, r.bids);
  apply_side(asks_, r.asks);
}

std::string oracle_book::first_difference(const oracle_book& other) const {
  if (auto d = side_difference("bid", bids_, other.bids_); !d.empty()) return d;
  return side_difference("ask", asks_, other.asks_);
}

}  // namespace sf::daemon
