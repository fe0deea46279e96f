// Feeds one REST body to a venue adapter's two parsers (book snapshot, trade
// page) and checks what they promise (venue_adapter.hpp): a snapshot is one
// sealed book record marked snapshot; a failed parse leaves nothing; the
// next backfill page moves the cursor or there is none.
#pragma once

#include <cstdint>
#include <string_view>

#include "record_check.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf::fuzz {

inline void parse_rest_body(venue_adapter& venue, std::string_view symbol, const std::uint8_t* data,
                            std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  record_batch out;

  const rest_status book = venue.parse_book_snapshot(body, symbol, out);
  if (book.ok()) {
    if (out.books.size() != 1 || !out.trades.empty() || !out.books[0].snapshot)
      broken("a snapshot is one book record", body);
    check_records(venue.name(), out);
  } else if (!out.empty()) {
    broken("a failed snapshot parse leaves nothing", body);
  }

  const rest_status trades = venue.parse_trades(body, symbol, out);
  if (trades.ok()) {
    if (!out.books.empty()) broken("a trade page holds trades only", body);
    check_records(venue.name(), out);
    const rest_request first = venue.trade_backfill_request(symbol, 1, 1'000'000);
    if (auto next = venue.next_trade_backfill_request(first, symbol, 1, 1'000'000, out))
      if (next->cursor == first.cursor) broken("the next trade page moves the cursor", body);
  } else if (!out.empty()) {
    broken("a failed trade page parse leaves nothing", body);
  }
}

}  // namespace sf::fuzz
