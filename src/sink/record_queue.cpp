#include "steadyfeed/sink/record_queue.hpp"

#include <algorithm>
#include <bit>
#include <limits>

namespace sf {

namespace {

constexpr std::size_t min_capacity = 4096;
// An entry's size is kept in 32 bits.
constexpr std::size_t max_capacity = std::size_t{1} << 31;

constexpr std::size_t round_up(std::size_t n, std::size_t to) noexcept {
  return (n + to - 1) / to * to;
}

}  // namespace

record_queue::record_queue(std::size_t capacity_bytes, std::chrono::milliseconds max_wait)
    : mask_(std::bit_ceil(std::clamp(capacity_bytes, min_capacity, max_capacity)) - 1),
      max_wait_(max_wait),
      // Left uninitialised: the pages become resident as the ring reaches them.
      ring_(new char[mask_ + 1]) {}

bool record_queue::push(const sink_record& r, std::chrono::milliseconds max_wait) {
  constexpr std::size_t name_limit = std::numeric_limits<std::uint16_t>::max();
  constexpr std::size_t id_limit = std::numeric_limits<std::uint8_t>::max();
  const std::size_t names = r.venue.size() + r.channel.size() + r.symbol.size() + r.id.size();
  const std::size_t entry = round_up(sizeof(header) + names + r.line.size(), align);
  if (r.venue.size() > name_limit || r.channel.size() > name_limit || r.symbol.size() > name_limit ||
      r.id.size() > id_limit || entry > capacity())
    return drop();
  std::uint64_t head = head_.load(std::memory_order_relaxed);
  const std::size_t at = static_cast<std::size_t>(head) & mask_;
  if (capacity() - at < entry) {
    // An entry is never split: the ring's end is marked unused and the entry
    // starts at offset 0. The marker is published on its own, so that once
    // the consumer has passed it the whole ring is there for the entry.
    const std::size_t rest = capacity() - at;
    if (!reserve(head, rest, max_wait)) return drop();
    const std::uint32_t marker = 0;
    std::memcpy(ring_.get() + at, &marker, sizeof marker);
    head += rest;
    publish(head);
  }
  if (!reserve(head, entry, max_wait)) return drop();
  header h{};
  h.entry_bytes = static_cast<std::uint32_t>(entry);
  h.line_bytes = static_cast<std::uint32_t>(r.line.size());
  h.venue_bytes = static_cast<std::uint16_t>(r.venue.size());
  h.channel_bytes = static_cast<std::uint16_t>(r.channel.size());
  h.symbol_bytes = static_cast<std::uint16_t>(r.symbol.size());
  h.id_bytes = static_cast<std::uint8_t>(r.id.size());
  h.kind = r.kind;
  h.received = r.received;
  char* p = ring_.get() + (static_cast<std::size_t>(head) & mask_);
  std::memcpy(p, &h, sizeof h);
  p += sizeof h;
  for (const std::string_view part : {r.venue, r.channel, r.symbol, r.id, r.line}) {
    if (part.empty()) continue;  // memcpy from a null data() is undefined
    std::memcpy(p, part.data(), part.size());
    p += part.size();
  }
  pushed_.store(pushed_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  publish(head + entry);
  return true;
}

bool record_queue::drop() noexcept {
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

bool record_queue::reserve(std::uint64_t head, std::size_t bytes, std::chrono::milliseconds max_wait) {
  if (head + bytes - known_tail_ <= capacity()) return true;
  known_tail_ = tail_.load(std::memory_order_acquire);
  return head + bytes - known_tail_ <= capacity() || wait_for_room(head, bytes, max_wait);
}

void record_queue::publish(std::uint64_t head) {
  // Sequentially consistent, as is the consumer's announcement that it
  // sleeps: one of the two sees the other (consumer_waiting_ here, or this
  // head in wait_for_lines).
  head_.store(head, std::memory_order_seq_cst);
  if (consumer_waiting_.load(std::memory_order_seq_cst)) {
    { std::lock_guard lock(sleep_mutex_); }
    lines_.notify_one();
  }
  if (bell_) bell_->ring();
}

bool record_queue::wait_for_room(std::uint64_t head, std::size_t needed, std::chrono::milliseconds max_wait) {
  auto has_room = [&] {
    return head + needed - tail_.load(std::memory_order_seq_cst) <= capacity();
  };
  if (max_wait.count() <= 0) return has_room();
  std::unique_lock lock(sleep_mutex_);
  producer_waiting_.store(true, std::memory_order_seq_cst);
  const bool room =
      room_.wait_for(lock, max_wait, [&] { return has_room() || closed_.load(); }) && has_room();
  producer_waiting_.store(false, std::memory_order_relaxed);
  return room;
}

bool record_queue::wait_for_lines(std::chrono::milliseconds wait) {
  if (has_lines()) return true;
  if (wait.count() <= 0) return false;
  std::unique_lock lock(sleep_mutex_);
  consumer_waiting_.store(true, std::memory_order_seq_cst);
  lines_.wait_for(lock, wait, [&] { return has_lines() || closed_.load(); });
  consumer_waiting_.store(false, std::memory_order_relaxed);
  return has_lines();
}

void record_queue::release(std::uint64_t tail) {
  tail_.store(tail, std::memory_order_seq_cst);
  if (producer_waiting_.load(std::memory_order_seq_cst)) {
    { std::lock_guard lock(sleep_mutex_); }
    room_.notify_one();
  }
}

void record_queue::close() {
  {
    std::lock_guard lock(sleep_mutex_);
    closed_.store(true);
  }
  lines_.notify_all();
  room_.notify_all();
}

}  // namespace sf
