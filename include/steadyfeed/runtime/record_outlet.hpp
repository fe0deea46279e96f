// A worker's end of its record queue: formats each record once as an NDJSON
// line and queues it for the sinks, and turns whatever cannot be queued into
// explicit gap records instead of losing it silently.
//
// When the queue stays full for `max_wait` (a stalled disk, a sink that is
// down), the record is not queued: its stream's lost range starts, and the
// outlet stops waiting, so the worker's connections keep answering pings
// while the sinks catch up. Until the queue has drained to half full, records
// are queued only where there is room at once, and every one that does not
// fit widens its stream's lost range. Before a stream's next record is
// queued, its gap record ("from"–"to", reason "sink queue full") is queued
// first, so a reader meets the gap where the records are missing. flush()
// queues what is still owed (the worker's periodic tick, and stop).
//
// Memory: one line buffer and one lost range per stream that lost records.
//
// Thread safety: none; the outlet is its worker's, and the only producer on
// its queue. lost() and pending_gaps() may be read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "steadyfeed/core/record.hpp"
#include "steadyfeed/sink/record_queue.hpp"

namespace sf {

class record_outlet {
 public:
  record_outlet(record_queue& queue, std::chrono::milliseconds max_wait) noexcept
      : queue_(queue), max_wait_(max_wait) {}

  // Queues the record, or adds it to its stream's lost range.
  void push(const record_view& r);
  // Queues the gap records still owed, waiting up to `wait` for room.
  // Returns how many are still owed.
  std::size_t flush(std::chrono::milliseconds wait = std::chrono::milliseconds{0});

  // Records that could not be queued (each is covered by a gap record,
  // queued or owed).
  std::uint64_t lost() const noexcept { return lost_.load(std::memory_order_relaxed); }
  std::size_t pending_gaps() const noexcept { return pending_count_.load(std::memory_order_relaxed); }
  // Gap records queued for lost records.
  std::uint64_t gaps_queued() const noexcept { return gaps_queued_.load(std::memory_order_relaxed); }

 private:
  struct lost_range {
    std::string venue, channel, symbol;
    std::string from, to;
    std::uint64_t count = 0;
    wall_us first_received = 0;
  };

  bool queue_line(record_kind kind, std::string_view venue, std::string_view channel, std::string_view symbol,
                  std::string_view id, wall_us received, std::chrono::milliseconds wait);
  // Queues the stream's owed gap record; false when there is no room yet.
  bool settle(std::map<std::string, lost_range, std::less<>>::iterator it, std::chrono::milliseconds wait);
  void lose(const record_view& r, std::string_view id, std::string_view last_id);
  std::chrono::milliseconds wait_now() const noexcept;
  // key_ = the record's stream: venue, channel and symbol.
  void set_key(const record_view& r);

  record_queue& queue_;
  std::chrono::milliseconds max_wait_;
  bool overflowing_ = false;  // the queue was full: no more waiting until it drains to half
  std::map<std::string, lost_range, std::less<>> owed_;  // by stream key
  std::string line_, key_, id_, last_id_, gap_id_;
  std::atomic<std::uint64_t> lost_{0}, gaps_queued_{0};
  std::atomic<std::size_t> pending_count_{0};
};

}  // namespace sf
