// The venues the simulator speaks, by the names used in URL prefixes, truth
// paths and the record schema's "venue" field.
#pragma once

#include <array>
#include <string_view>

#include "sim/decimal.hpp"

namespace sf::sim {

inline constexpr std::string_view binance_spot = "binance-spot";
inline constexpr std::string_view okx = "okx";
inline constexpr std::array<std::string_view, 2> known_venues{binance_spot, okx};

// How a venue prints decimals on the wire (and so in the truth records).
inline number_style style_of(std::string_view venue) noexcept {
  return venue == okx ? number_style::trimmed : number_style::fixed8;
}

}  // namespace sf::sim
