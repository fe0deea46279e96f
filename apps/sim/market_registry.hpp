// All simulated markets: one market_stream per (venue, symbol), advanced
// together to one virtual time and looked up by the venue's own symbol.
//
// Thread safety: none; owned by the server's I/O thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/market_stream.hpp"

namespace sf::sim {

class market_registry {
 public:
  // Throws std::invalid_argument naming a symbol that has no known quote currency.
  market_registry(const std::vector<std::string>& venues, const std::vector<std::string>& symbols,
                  const market_config& config);

  void advance_to(duration t, market_stream::listener& sink);

  // By venue and the venue's spelling ("BTCUSDT", "BTC-USDT"); nullptr if unknown.
  market_stream* find(std::string_view venue, std::string_view venue_symbol);
  const market_stream* find(std::string_view venue, std::string_view venue_symbol) const;

  std::vector<const market_stream*> all() const;
  const std::vector<std::string>& venues() const noexcept { return venues_; }

 private:
  std::vector<std::string> venues_;
  std::vector<std::unique_ptr<market_stream>> streams_;
};

}  // namespace sf::sim
