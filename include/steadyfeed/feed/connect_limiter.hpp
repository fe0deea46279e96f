// A venue's connection-attempt limit (Binance: 300 per 5 minutes per IP),
// shared by every supervisor connecting to that venue.
//
// A sliding-window log: `reserve(now)` grants the earliest time at or after
// `now` at which one more attempt keeps at most `limit` attempts in any window,
// and books that slot. Supervisors on different threads may share one limiter.
//
// Thread safety: all members are safe to call concurrently.
#pragma once

#include <deque>
#include <memory>
#include <mutex>

#include "steadyfeed/core/clock.hpp"

namespace sf {

class connect_limiter {
 public:
  // limit <= 0 means unlimited.
  connect_limiter(int limit, duration window) noexcept : limit_(limit), window_(window) {}

  time_point reserve(time_point now) {
    if (limit_ <= 0) return now;
    std::lock_guard lock(mutex_);
    while (!granted_.empty() && granted_.front() + window_ <= now) granted_.pop_front();
    time_point at = now;
    if (granted_.size() >= static_cast<std::size_t>(limit_)) {
      // The slot frees when the attempt `limit` places back leaves the window.
      at = std::max(now, granted_[granted_.size() - static_cast<std::size_t>(limit_)] + window_);
    }
    granted_.push_back(at);
    return at;
  }

  int limit() const noexcept { return limit_; }
  duration window() const noexcept { return window_; }

 private:
  int limit_;
  duration window_;
  std::mutex mutex_;
  std::deque<time_point> granted_;  // non-decreasing
};

}  // namespace sf
