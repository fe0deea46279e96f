// Fixed-point amounts for the simulator's prices and quantities.
//
// Every price and size is an integer count of 10^-8 (`units`), the finest step
// any simulated venue prints. Binary floating point never touches them, so a
// value printed by one dialect, parsed back and printed by another is exact,
// and a checksum computed over the printed strings is reproducible.
//
// Two print styles exist because the venues differ: Binance pads to eight
// decimals ("43000.10000000"), OKX prints the shortest form ("43000.1", "415").
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sf::sim {

inline constexpr int unit_decimals = 8;
inline constexpr std::int64_t units_per_one = 100'000'000;

enum class number_style {
  fixed8,   // always eight decimals (Binance)
  trimmed,  // no trailing zeros, no trailing point (OKX)
};

// Appends `units` (10^-8 each, >= 0 or < 0) to `out` in `style`.
void append_decimal(std::string& out, std::int64_t units, number_style style);

std::string format_decimal(std::int64_t units, number_style style);

// Parses "123", "123.45", "0.00000001" into units; nullopt for anything else
// (signs, exponents, more than eight decimals, overflow).
std::optional<std::int64_t> parse_decimal(std::string_view text) noexcept;

}  // namespace sf::sim
