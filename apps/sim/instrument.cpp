#include "sim/instrument.hpp"

#include <array>

namespace sf::sim {

namespace {

struct known_base {
  std::string_view base;
  std::int64_t start_price;  // units
  std::int64_t tick;
  std::int64_t lot;
};

// Grids close to the real spot markets, so frames look like the venue's.
constexpr std::array<known_base, 6> known_bases{{
    {"BTC", 43'000'00000000, 1'000'000, 1'000},     // tick 0.01, lot 0.00001
    {"ETH", 2'300'00000000, 1'000'000, 10'000},     // tick 0.01, lot 0.0001
    {"SOL", 100'00000000, 1'000'000, 100'000},      // tick 0.01, lot 0.001
    {"BNB", 300'00000000, 1'000'000, 100'000},      // tick 0.01, lot 0.001
    {"XRP", 60000000, 10'000, 10'000'000},          // tick 0.0001, lot 0.1
    {"DOGE", 8000000, 1'000, 100'000'000},          // tick 0.00001, lot 1
}};

constexpr std::array<std::string_view, 10> quotes{"FDUSD", "USDT", "USDC", "BUSD", "BTC",
                                                  "ETH",   "BNB",  "EUR",  "USD",  "TRY"};

}  // namespace

std::optional<instrument> make_instrument(std::string_view symbol) {
  if (symbol.empty()) return std::nullopt;
  for (const char c : symbol)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return std::nullopt;
  for (const auto quote : quotes) {
    if (symbol.size() <= quote.size() || !symbol.ends_with(quote)) continue;
    instrument out;
    out.symbol = std::string(symbol);
    out.base = std::string(symbol.substr(0, symbol.size() - quote.size()));
    out.quote = std::string(quote);
    out.start_price = 10'00000000;  // 10.00
    out.tick = 100'000;             // 0.001
    out.lot = 1'000'000;            // 0.01
    for (const auto& known : known_bases) {
      if (known.base == out.base) {
        out.start_price = known.start_price;
        out.tick = known.tick;
        out.lot = known.lot;
      }
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace sf::sim
