// OKX v5 REST bodies (GET /api/v5/market/books, history-trades):
// what the book snapshot and trade backfill parsers make of any body.
#include <cstddef>
#include <cstdint>

#include "venue/okx.hpp"
#include "venue_rest_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sf::okx venue;
  sf::fuzz::parse_rest_body(venue, "BTC-USDT", data, size);
  return 0;
}
