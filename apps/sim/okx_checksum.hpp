// OKX's order-book checksum: CRC32 (IEEE) of the top 25 bids and asks
// interleaved as "bid_px:bid_sz:ask_px:ask_sz:...", a side skipped once it runs
// out, read as a signed 32-bit integer. The strings are the exact ones the
// frame carries, so the simulator checksums what it prints, not what it holds.
//
// OKX fixed the field to 0 in production on 2026-06-23; the dialect decides
// whether to send 0 or the computed value.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/order_book.hpp"

namespace sf::sim {

// CRC32 (IEEE 802.3, the zlib polynomial) of `text` as a signed 32-bit integer.
std::int32_t crc32_signed(std::string_view text) noexcept;

// The string OKX checksums for `book` (top 25 levels, trimmed decimals).
std::string okx_checksum_string(const order_book& book);

std::int32_t okx_checksum(const order_book& book);

}  // namespace sf::sim
