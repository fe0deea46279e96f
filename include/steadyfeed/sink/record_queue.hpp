// The bounded hand-off from a worker thread to the sink thread: a lock-free
// single-producer, single-consumer ring of NDJSON lines tagged with their
// stream, kind and identity (sink_record).
//
// A line is copied once, into the ring, with its stream's names beside it:
// no allocation and no lock per record. The sink thread reads the lines
// where they lie and frees each one's room as soon as it has been written
// out. Locks are taken only by a side that has to sleep (the consumer on an
// empty ring, the producer on a full one) and by the other side, to wake it,
// when it sees that one is sleeping.
//
// When the ring is full, push() waits (back-pressure on the worker thread) up
// to `max_wait` (or the wait it is given), then counts the line as dropped and
// says so: a full disk or a stalled sink must be visible, never silent. A line
// that could never fit is dropped and counted at once. The runtime's
// record_outlet turns what could not be queued into gap records.
//
// Memory: the ring is allocated once, at its full capacity. Its pages become
// resident as the ring first reaches them: after the first lap (64 MiB of
// lines with the default size) the whole ring is.
//
// A consumer that serves several queues sleeps in a doorbell (doorbell.hpp)
// that every queue's push rings, instead of in one queue.
//
// Thread safety: push() from one producer thread (a worker); take() and
// has_lines() from one consumer thread; close(), depth(), used_bytes() and
// dropped() from any. ring() is set before the first push.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/doorbell.hpp"
#include "steadyfeed/sink/sink.hpp"

namespace sf {

// One queued line, viewed in the ring: valid only inside take()'s callback.
using queued_line = sink_record;

class record_queue {
 public:
  // `capacity_bytes` is rounded up to a power of two, from 4 KiB to 2 GiB;
  // each line takes its length, its names' and id's lengths and 24 bytes,
  // rounded up to 8. Any line that fits in the capacity can be queued.
  explicit record_queue(std::size_t capacity_bytes = std::size_t{64} << 20,
                        std::chrono::milliseconds max_wait = std::chrono::milliseconds{1000});
  record_queue(const record_queue&) = delete;
  record_queue& operator=(const record_queue&) = delete;

  // False when the line was dropped: the ring stayed full for max_wait, was
  // closed while full, or could never hold the line.
  // An id longer than 255 bytes never fits.
  bool push(const sink_record& r) { return push(r, max_wait_); }
  bool push(const sink_record& r, std::chrono::milliseconds max_wait);
  // A trade line without an id (tests, benchmarks).
  bool push(std::string_view venue, std::string_view channel, std::string_view symbol,
            wall_us received, std::string_view line) {
    return push(sink_record{record_kind::trade, venue, channel, symbol, {}, received, line});
  }

  // Every push rings `bell` too (nullptr: none).
  void ring(doorbell* bell) noexcept { bell_ = bell; }

  // Calls `on_line(const queued_line&)` for every line queued, in order,
  // after waiting up to `wait` for the first. Returns how many were taken.
  template <typename OnLine>
  std::size_t take(std::chrono::milliseconds wait, OnLine&& on_line);

  // Wakes the consumer; a push that finds the ring full no longer waits.
  void close();

  // Whether a line is queued (a sequentially consistent read, for a
  // doorbell's wait).
  bool has_lines() const noexcept {
    return head_.load(std::memory_order_seq_cst) != tail_.load(std::memory_order_relaxed);
  }

  std::size_t capacity() const noexcept { return mask_ + 1; }
  // Lines queued; read from another thread, a moment's estimate.
  std::size_t depth() const noexcept {
    const std::uint64_t taken = taken_.load(std::memory_order_relaxed);
    const std::uint64_t pushed = pushed_.load(std::memory_order_relaxed);
    return pushed > taken ? static_cast<std::size_t>(pushed - taken) : 0;
  }
  // Bytes of the ring in use; a moment's estimate from another thread.
  std::size_t used_bytes() const noexcept {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    return head > tail ? static_cast<std::size_t>(head - tail) : 0;
  }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  // Whether a side is asleep: the consumer waiting for lines, the producer
  // for room.
  bool consumer_waiting() const noexcept { return consumer_waiting_.load(); }
  bool producer_waiting() const noexcept { return producer_waiting_.load(); }

 private:
  // An entry's first bytes; its names and line follow. entry_bytes == 0 marks
  // the unused end of the ring: the next entry starts at offset 0.
  struct header {
    std::uint32_t entry_bytes;
    std::uint32_t line_bytes;
    std::uint16_t venue_bytes, channel_bytes, symbol_bytes;
    std::uint8_t id_bytes;
    record_kind kind;
    wall_us received;
  };
  static_assert(sizeof(header) == 24);
  static constexpr std::size_t align = 8;

  bool drop() noexcept;
  // Whether `bytes` from `head` on are free, waiting up to max_wait for them.
  bool reserve(std::uint64_t head, std::size_t bytes, std::chrono::milliseconds max_wait);
  // Makes everything up to `head` visible and wakes a sleeping consumer.
  void publish(std::uint64_t head);
  bool wait_for_room(std::uint64_t head, std::size_t needed, std::chrono::milliseconds max_wait);
  bool wait_for_lines(std::chrono::milliseconds wait);
  // Frees everything up to `tail` and wakes a producer waiting for room.
  void release(std::uint64_t tail);

  std::size_t mask_;
  std::chrono::milliseconds max_wait_;
  doorbell* bell_ = nullptr;
  std::unique_ptr<char[]> ring_;

  // Producer's side. head_: bytes ever written; the consumer reads it.
  alignas(64) std::atomic<std::uint64_t> head_{0};
  std::atomic<std::uint64_t> pushed_{0};
  // The producer's last reading of tail_: re-read only when it shows no
  // room, so that the producer does not pull the consumer's cache line over
  // on every push.
  std::uint64_t known_tail_ = 0;
  // Consumer's side. tail_: bytes ever freed; the producer reads it.
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  std::atomic<std::uint64_t> taken_{0};

  alignas(64) std::atomic<std::uint64_t> dropped_{0};
  std::atomic<bool> closed_{false};
  std::atomic<bool> producer_waiting_{false}, consumer_waiting_{false};
  std::mutex sleep_mutex_;
  std::condition_variable room_, lines_;
};

template <typename OnLine>
std::size_t record_queue::take(std::chrono::milliseconds wait, OnLine&& on_line) {
  if (!wait_for_lines(wait)) return 0;
  const std::uint64_t head = head_.load(std::memory_order_acquire);
  std::uint64_t tail = tail_.load(std::memory_order_relaxed);
  std::size_t taken = 0;
  while (tail != head) {
    const std::size_t at = static_cast<std::size_t>(tail) & mask_;
    std::uint32_t entry_bytes;  // read alone: a marker may have less room than a header
    std::memcpy(&entry_bytes, ring_.get() + at, sizeof entry_bytes);
    if (entry_bytes == 0) {  // the end of the ring is unused
      tail += capacity() - at;
      release(tail);  // a producer may be waiting for the whole ring
      continue;
    }
    header h;
    std::memcpy(&h, ring_.get() + at, sizeof h);
    const char* p = ring_.get() + at + sizeof h;
    queued_line q;
    q.kind = h.kind;
    q.venue = {p, h.venue_bytes};
    p += h.venue_bytes;
    q.channel = {p, h.channel_bytes};
    p += h.channel_bytes;
    q.symbol = {p, h.symbol_bytes};
    p += h.symbol_bytes;
    q.id = {p, h.id_bytes};
    p += h.id_bytes;
    q.received = h.received;
    q.line = {p, h.line_bytes};
    on_line(q);
    tail += h.entry_bytes;
    ++taken;
    taken_.store(taken_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    release(tail);
  }
  return taken;
}

}  // namespace sf
