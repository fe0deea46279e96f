// What every venue parser promises about the records it hands out, checked on
// whatever a fuzzer made it accept (docs/records.md):
//  - prices are greater than zero; trade sizes are greater than zero and book
//    sizes never negative (a frame with any other records nothing);
//  - every record's NDJSON line reads back with record_parser (verify and the
//    resume point read recordings that way) to the same values.
// A broken promise aborts, so libFuzzer reports the input.
//
// Reading every field of every record also makes AddressSanitizer check that
// the views a parser returns still point at live memory.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>


#include "steadyfeed/core/record.hpp"
#include "steadyfeed/core/record_json.hpp"
#include "steadyfeed/core/record_parse.hpp"

namespace sf::fuzz {

[[noreturn]] inline void broken(const char* promise, std::string_view line) {
  std::fprintf(stderr, "broken promise: %s\n  line: %.*s\n", promise, static_cast<int>(line.size()), line.data());
  std::abort();
}

inline void check_levels(std::span<const price_level> levels, const std::vector<price_level>& read_back,
                         std::string_view line) {
  if (levels.size() != read_back.size()) broken("book levels read back", line);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (levels[i].price.is_negative() || levels[i].price.is_zero()) broken("book price > 0", line);
    if (levels[i].qty.is_negative()) broken("book size >= 0", line);
    if (!(levels[i].price == read_back[i].price) || !(levels[i].qty == read_back[i].qty))
      broken("book level read back", line);
  }
}

inline void check_records(std::string_view venue, const record_batch& batch) {
  record_parser parser;
  owned_record r;
  std::string error;
  std::string line;
  for (const trade_record& t : batch.trades) {
    line.clear();
    append_json(line, venue, t);
    if (t.price.is_negative() || t.price.is_zero()) broken("trade price > 0", line);
    if (t.qty.is_negative() || t.qty.is_zero()) broken("trade size > 0", line);
    if (t.taker == side::unknown) broken("trade side is buy or sell", line);
    if (!parser.parse(line, r, error)) broken("trade line reads back", line);
    if (r.type != owned_record::kind::trade || r.symbol != t.symbol || r.trade.id != t.id ||
        r.trade.first() != t.first() || !(r.trade.price == t.price) || !(r.trade.qty == t.qty) ||
        r.trade.taker != t.taker || r.trade.ts_exchange != t.ts_exchange)
      broken("trade reads back the same", line);
  }
  for (const book_record& b : batch.books) {
    line.clear();
    append_json(line, venue, b);
    if (!parser.parse(line, r, error)) broken("book line reads back", line);
    if (r.type != owned_record::kind::book || r.symbol != b.symbol || r.book.seq != b.seq ||
        r.book.snapshot != b.snapshot || r.book.ts_exchange != b.ts_exchange)
      broken("book reads back the same", line);
    check_levels(b.bids, r.bids, line);
    check_levels(b.asks, r.asks, line);
  }
}

}  // namespace sf::fuzz
