// How a venue's L2 book is synchronised: where the snapshot comes from and
// which continuity rule chains one update to the next.
//
// Two families cover the venues in scope:
//  - update_id_range (Binance): each diff carries the id range [U, u] it
//    covers; the snapshot comes from REST with `lastUpdateId`. An update
//    applies when it reaches past the book (u > book id) and starts no later
//    than the next id (U <= book id + 1); the 2025-11-12 corrected procedure
//    (venues.md §1.8).
//  - prev_seq_chain (OKX): each message names its predecessor (prevSeqId); the
//    snapshot arrives on the WebSocket when subscribing. An update applies when
//    prevSeqId equals the last seqId, which also admits the keep-alive update
//    (seqId == prevSeqId, no levels) and the documented sequence reset after
//    maintenance (seqId < prevSeqId) (venues.md §3.6).
//  - snapshots_only (Hyperliquid): every message is a whole book.
// The adapter only declares which rule applies; book_sync applies it, so the
// rules live in one place, in the book layer, below the venues that name them.
//
// A venue that sends a checksum of its book says which one; book_sync
// verifies every non-zero checksum against the book it holds, and a mismatch
// drops the book and resyncs it.
//
// Thread safety: value types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace sf {

enum class snapshot_source : std::uint8_t {
  rest,    // fetch it (venue_adapter::book_snapshot_request) while buffering diffs
  stream,  // the WebSocket sends one on subscribe; resubscribe to get a fresh one
};

enum class book_continuity : std::uint8_t { update_id_range, prev_seq_chain, snapshots_only };

enum class book_checksum : std::uint8_t {
  none,
  okx_crc32,  // CRC32 of the top 25 levels, interleaved (venues.md §3.7)
};

struct book_rules {
  snapshot_source snapshot = snapshot_source::rest;
  book_continuity continuity = book_continuity::update_id_range;
  std::size_t snapshot_depth = 0;  // levels per side the snapshot request asks for
  book_checksum checksum = book_checksum::none;  // what the stream's `checksum` field holds
  std::size_t checksum_depth = 0;  // levels per side the checksum covers
};

class order_book;
// The checksum `kind` computes over a book, as the venue sends it; an empty
// function for book_checksum::none.
std::function<std::int64_t(const order_book&)> checksum_function(book_checksum kind, std::size_t depth);

}  // namespace sf
