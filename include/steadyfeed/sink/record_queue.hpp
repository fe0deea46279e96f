// The bounded hand-off from feed threads to the sink thread.
//
// Feed threads push NDJSON lines tagged with their stream; the sink thread
// takes everything queued in one swap (so producers and the consumer contend
// once per batch, not once per record). When the queue holds `capacity_bytes`,
// push() waits (back-pressure on the feed thread) up to `max_wait`, then
// counts the line as dropped and reports it — a full disk or a stalled sink
// must be visible, never silent. The design's spool to local disk for a
// down remote sink builds on this.
//
// Thread safety: push() from any thread; take() from one consumer thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/clock.hpp"

namespace sf {

struct queued_line {
  std::string venue, channel, symbol;
  wall_us received = 0;
  std::string line;
};

class record_queue {
 public:
  explicit record_queue(std::size_t capacity_bytes = std::size_t{256} << 20,
                        std::chrono::milliseconds max_wait = std::chrono::milliseconds{1000})
      : capacity_(capacity_bytes), max_wait_(max_wait) {}

  // False when the line had to be dropped (the queue stayed full).
  bool push(std::string_view venue, std::string_view channel, std::string_view symbol, wall_us received,
            std::string_view line) {
    std::unique_lock lock(mutex_);
    if (bytes_ + line.size() > capacity_ && !closed_) {
      if (!not_full_.wait_for(lock, max_wait_, [&] { return bytes_ + line.size() <= capacity_ || closed_; })) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return false;
      }
    }
    items_.push_back({std::string(venue), std::string(channel), std::string(symbol), received, std::string(line)});
    bytes_ += line.size();
    depth_.store(items_.size(), std::memory_order_relaxed);
    // Only the first line after a take() can find the consumer waiting: it
    // takes everything queued at once, so waking it per line would cost a
    // futex call per record.
    if (items_.size() == 1) not_empty_.notify_one();
    return true;
  }

  // Everything queued, waiting up to `wait` for something to arrive.
  std::vector<queued_line> take(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    not_empty_.wait_for(lock, wait, [&] { return !items_.empty() || closed_; });
    std::vector<queued_line> out;
    out.swap(items_);
    bytes_ = 0;
    depth_.store(0, std::memory_order_relaxed);
    not_full_.notify_all();
    return out;
  }

  // Wakes the consumer; pushes no longer wait.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  std::size_t depth() const noexcept { return depth_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  std::size_t capacity_;
  std::chrono::milliseconds max_wait_;
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::vector<queued_line> items_;
  std::size_t bytes_ = 0;
  bool closed_ = false;
  std::atomic<std::size_t> depth_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace sf
