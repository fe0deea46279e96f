// Durations as people write them in flags and chaos files: "250ms", "20s",
// "5m", "24h", "100us"; a bare number is seconds ("1.5" = 1500 ms).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "steadyfeed/core/clock.hpp"

namespace sf::sim {

std::optional<duration> parse_duration(std::string_view text);
std::string format_duration(duration d);

}  // namespace sf::sim
