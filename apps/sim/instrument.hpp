// The simulated instruments: a symbol given once on the command line
// ("BTCUSDT") split into base and quote, from which each venue's dialect
// spells it its own way (dialect::symbol_of), plus the price grid the market
// generator walks on.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sf::sim {

struct instrument {
  std::string symbol;  // canonical form, as given: "BTCUSDT"
  std::string base;    // "BTC"
  std::string quote;   // "USDT"
  std::int64_t tick = 0;         // price step, in units of 10^-8
  std::int64_t lot = 0;          // quantity step, in units of 10^-8
  std::int64_t start_price = 0;  // mid price at virtual time zero
};

// Splits a canonical symbol at a known quote currency (USDT, USDC, FDUSD, BUSD,
// BTC, ETH, BNB, EUR, USD, TRY) and picks a plausible grid. nullopt when no
// quote currency matches or the symbol has characters other than A-Z and 0-9.
std::optional<instrument> make_instrument(std::string_view symbol);

}  // namespace sf::sim
