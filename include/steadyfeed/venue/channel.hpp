// The normalized market-data channels a venue adapter maps onto the venue's
// own stream names.
//
// Only the two channels steadyfeed records are named here; a venue's other
// streams (tickers, aggregated trades ...) may still be subscribed by their raw
// topic and pass through undecoded.
//
// Thread safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sf {

enum class channel : std::uint8_t { trades, book };

// "trades" or "book": the spelling used in records, file paths and config.
std::string_view to_string(channel c) noexcept;
// The inverse of to_string; nullopt for any other spelling.
std::optional<channel> parse_channel(std::string_view text) noexcept;

}  // namespace sf
