// Binance Spot REST bodies (GET /api/v3/depth, historicalTrades):
// what the book snapshot and trade backfill parsers make of any body.
#include <cstddef>
#include <cstdint>

#include "venue/binance_spot.hpp"
#include "venue_rest_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sf::binance_spot venue;
  sf::fuzz::parse_rest_body(venue, "BTCUSDT", data, size);
  return 0;
}
