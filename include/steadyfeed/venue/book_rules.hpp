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
// The rule is a pure function of the book's last id and the update, so the
// book keeper stays venue-agnostic and each rule is tested on its own.
//
// Thread safety: value types and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "steadyfeed/core/record.hpp"

namespace sf {

enum class snapshot_source : std::uint8_t {
  rest,    // fetch it (venue_adapter::book_snapshot_request) while buffering diffs
  stream,  // the WebSocket sends one on subscribe; resubscribe to get a fresh one
};

enum class book_continuity : std::uint8_t { update_id_range, prev_seq_chain };

struct book_rules {
  snapshot_source snapshot = snapshot_source::rest;
  book_continuity continuity = book_continuity::update_id_range;
  std::size_t snapshot_depth = 0;  // levels per side the snapshot request asks for
  bool has_checksum = false;       // the stream carries a checksum worth verifying
  std::size_t checksum_depth = 0;  // levels per side the checksum covers
};

// What to do with one book record given the id the book is at.
enum class book_step : std::uint8_t {
  reset,  // a snapshot: replace the book, its seq becomes the book id
  apply,  // continues the book: apply the levels, the book id becomes its seq
  stale,  // already contained in the book: skip it
  gap,    // something was missed: discard the book and resync
};
std::string_view to_string(book_step s) noexcept;

// Binance: `book_id` is the snapshot's lastUpdateId or the last applied u.
book_step check_update_id_range(std::uint64_t book_id, const book_record& update) noexcept;
// OKX: `book_seq` is the seqId of the last message applied (snapshot included).
book_step check_prev_seq_chain(std::uint64_t book_seq, const book_record& update) noexcept;
// Dispatches on the rule.
book_step check_continuity(book_continuity rule, std::uint64_t book_id,
                           const book_record& update) noexcept;

}  // namespace sf
