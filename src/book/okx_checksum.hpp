// OKX's order book checksum (venues.md §3.7): CRC32 of the top 25 levels.
//
// The string hashed interleaves bid and ask levels as
// "bid0.px:bid0.sz:ask0.px:ask0.sz:bid1.px:...", skipping a side once it runs
// out, and the CRC (IEEE, as zlib) is compared as a signed 32-bit integer.
// Prices and sizes must be spelled exactly as the venue sent them ("3366" and
// "3366.0" hash differently); sf::decimal keeps that spelling, so levels held
// in the book can be hashed directly.
//
// Deprecated by OKX: since 2026-06-23 (production) the `checksum` field is
// always 0, meaning "not provided"; integrity then rests on seqId/prevSeqId.
// The function remains for captures recorded before that date, and for venues
// or test servers that still send it. `verify_okx_checksum` treats 0 as "not
// provided" rather than as a mismatch.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "steadyfeed/book/order_book.hpp"
#include "steadyfeed/core/record.hpp"

namespace sf {

inline constexpr std::size_t okx_checksum_depth = 25;

// Bids best (highest) first, asks best (lowest) first, as held by the book.
std::int32_t okx_checksum(std::span<const price_level> bids, std::span<const price_level> asks,
                          std::size_t depth = okx_checksum_depth) noexcept;

// The same over a whole book (its top `depth` levels), without copying them;
// fits book_sync_config::checksum.
std::int32_t okx_checksum(const order_book& book, std::size_t depth = okx_checksum_depth) noexcept;

// The string the checksum is computed over; for diagnostics when one fails.
std::string okx_checksum_text(std::span<const price_level> bids, std::span<const price_level> asks,
                              std::size_t depth = okx_checksum_depth);

enum class checksum_verdict : std::uint8_t { not_provided, match, mismatch };
std::string_view to_string(checksum_verdict v) noexcept;

// Compares the venue's value (as received, 0 = not provided) with the book's.
checksum_verdict verify_okx_checksum(std::int64_t received, std::span<const price_level> bids,
                                     std::span<const price_level> asks) noexcept;

}  // namespace sf
