// Keeps one order book in step with a venue's book stream, by the venue's
// documented procedure, and says when it cannot.
//
//   update_id_range (Binance): diffs carry first/final update ids (U/u). Diffs are buffered
//     while a REST snapshot is fetched; the snapshot must not be older than the
//     first buffered diff; diffs at or below its lastUpdateId are dropped; the
//     first applied diff must straddle lastUpdateId + 1; afterwards each diff
//     must start at most at book id + 1 (venues.md §1.8, corrected 2025 rule).
//   prev_seq_chain (OKX): the WebSocket sends its own snapshot; each update's prevSeqId must
//     equal the last seqId (keep-alive updates repeat it; a documented reset
//     gives a smaller seqId with a matching prevSeqId). A non-zero checksum is
//     verified; zero means "not provided" (OKX stopped sending them in 2026).
//   snapshots_only (Hyperliquid): every message is a full book (Hyperliquid).
//
// An update that does not continue the book is first held for `gap_wait`:
// with redundant connections (or a rotation's overlap) another connection
// most often brings the missing updates a moment later, and then the held
// ones follow them in order, with no gap. Only a hole still open when the
// wait ends breaks the chain.
//
// When the chain breaks or the book crosses, the book is dropped, a `gap`
// record names the missing sequence range, and a resync is requested (a REST
// snapshot, or a resubscribe for venues that snapshot on subscribe). The next
// good snapshot is emitted as a `snapshot: true` record, followed by the
// updates that continue it. `reset()` on every reconnect: no ghost levels from
// before it.
//
// Records leave through the callback synchronously, in order, as received
// (updates are not rewritten); buffered diffs are copied while a snapshot is
// awaited, bounded by `max_buffered`.
//
// Thread safety: none; one book_sync per (venue, symbol) on its connection's thread.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "steadyfeed/book/book_rules.hpp"
#include "steadyfeed/book/order_book.hpp"
#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/record.hpp"

namespace sf {

enum class resync_kind : std::uint8_t { rest_snapshot, resubscribe };

struct book_sync_config {
  std::size_t max_buffered = 10'000;  // diffs held while a snapshot is fetched
  // How long updates beyond a hole wait for another connection's copy of
  // what is missing (at most max_buffered of them); zero breaks the chain at once.
  duration gap_wait = milliseconds{250};
  bool check_crossed = true;
  // The venue's checksum of a book, compared with a message's non-zero
  // `checksum`; unset = not checked (checksum_function() gives a venue's).
  std::function<std::int64_t(const order_book&)> checksum;
};

struct book_sync_stats {
  std::uint64_t updates_applied = 0;
  std::uint64_t stale_dropped = 0;
  std::uint64_t resyncs = 0;
  std::uint64_t snapshots = 0;
  std::uint64_t checksum_failures = 0;
  std::uint64_t holes_bridged = 0;  // holes another connection's copies filled within gap_wait
  std::uint64_t seq = 0;  // the book's current id
  bool synced = false;
};

class book_sync {
 public:
  struct callbacks {
    std::function<void(const book_record&)> on_record;
    std::function<void(const gap_record&)> on_gap;
    std::function<void(resync_kind, std::string_view reason)> on_resync;
  };

  book_sync(std::string venue, std::string symbol, book_continuity continuity, book_sync_config config = {});
  void set_callbacks(callbacks cb) { cb_ = std::move(cb); }

  // A book message from the stream (update, or snapshot for okx/snapshots),
  // received at `now`.
  void on_message(const book_record& r, wall_us wall, time_point now);
  // A REST snapshot (binance_diff), seq = lastUpdateId.
  void on_snapshot(const book_record& r, wall_us wall, time_point now);
  // The connection was replaced: forget the book and wait for a fresh one.
  void reset();
  // When updates beyond a hole stop waiting; never when none is held.
  time_point next_deadline() const noexcept { return held_.empty() ? never : hole_deadline_; }
  // At next_deadline(): a hole still open breaks the chain.
  void on_timer(time_point now, wall_us wall);

  const order_book& book() const noexcept { return book_; }
  const book_sync_stats& stats() const noexcept { return stats_; }
  bool synced() const noexcept { return synced_; }
  bool awaiting_snapshot() const noexcept { return awaiting_; }

 private:
  struct owned_update {
    book_record meta;
    std::vector<price_level> bids, asks;
    book_record view() const;
  };

  void break_chain(std::uint64_t from, std::uint64_t to, std::string reason, wall_us wall);
  void request_resync(std::string_view reason);
  void apply_and_emit(const book_record& r);
  bool verify(const book_record& r);
  bool recently_applied(std::uint64_t prev, std::uint64_t seq) const noexcept;
  void update_id_range_message(const book_record& r, wall_us wall, time_point now);
  void prev_seq_chain_message(const book_record& r, wall_us wall, time_point now);
  // Holds `r`, which lies beyond a hole; false when it may not wait.
  bool hold(std::uint64_t key, const book_record& r, wall_us wall, time_point now);
  // Reports the hole before the held updates and drops the book.
  void give_up_hole(wall_us wall, time_point now);
  // Applies the held updates that now continue the book.
  void apply_held();
  void drop_held_covered();

  std::string venue_;
  std::string symbol_;
  book_continuity continuity_;
  book_sync_config config_;
  callbacks cb_;
  order_book book_;
  bool synced_ = false;
  bool awaiting_ = false;   // a resync was requested and not answered yet
  std::uint64_t book_id_ = 0;
  std::deque<owned_update> buffer_;
  // Updates beyond a hole, by what they continue: the prevSeqId they name
  // (prev_seq_chain) or their first update id (update_id_range).
  std::map<std::uint64_t, owned_update> held_;
  time_point hole_deadline_ = never;
  // The (prev_seq, seq) pairs of the last messages applied, to recognise
  // another connection's copies exactly.
  std::array<std::pair<std::uint64_t, std::uint64_t>, 64> applied_{};
  std::size_t applied_next_ = 0;
  book_sync_stats stats_;
};

}  // namespace sf
