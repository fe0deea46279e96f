#include "sim/okx_checksum.hpp"

#include <boost/crc.hpp>

#include "sim/decimal.hpp"

namespace sf::sim {

std::int32_t crc32_signed(std::string_view text) noexcept {
  boost::crc_32_type crc;
  crc.process_bytes(text.data(), text.size());
  return static_cast<std::int32_t>(crc.checksum());
}

std::string okx_checksum_string(const order_book& book) {
  constexpr std::size_t depth = 25;
  std::string out;
  out.reserve(depth * 4 * 12);
  const auto append = [&out](const level& l) {
    if (!out.empty()) out.push_back(':');
    append_decimal(out, l.price, number_style::trimmed);
    out.push_back(':');
    append_decimal(out, l.qty, number_style::trimmed);
  };
  const auto bids = book.top(book_side::bid, depth);
  const auto asks = book.top(book_side::ask, depth);
  for (std::size_t i = 0; i < depth; ++i) {
    if (i >= bids.size() && i >= asks.size()) break;
    if (i < bids.size()) append(bids[i]);
    if (i < asks.size()) append(asks[i]);
  }
  return out;
}

std::int32_t okx_checksum(const order_book& book) { return crc32_signed(okx_checksum_string(book)); }

}  // namespace sf::sim
