// A token bucket for pacing against a venue's limits: control messages per
// second on one connection, connection attempts per window per IP.
//
// `capacity` tokens at most; `rate` tokens per `per` added continuously. Time is
// passed in, so the bucket is exact under a manual clock.
//
// Thread safety: none. A bucket shared between connections on different threads
// (a venue's connect limit) is wrapped by its owner in a mutex.
#pragma once

#include <algorithm>

#include "steadyfeed/core/clock.hpp"

namespace sf {

class token_bucket {
 public:
  // `rate` tokens per `per`, at most `capacity` stored. rate <= 0 means unlimited.
  token_bucket(double rate, duration per, double capacity, time_point now) noexcept
      : rate_per_ns_(rate > 0 ? rate / static_cast<double>(per.count()) : 0.0),
        capacity_(capacity), tokens_(capacity), updated_(now) {}

  static token_bucket unlimited() noexcept { return token_bucket(0, seconds{1}, 0, time_point{}); }

  bool limited() const noexcept { return rate_per_ns_ > 0; }

  // Takes one token if available.
  bool try_take(time_point now) noexcept {
    if (!limited()) return true;
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // When the next token will be available (now if one is).
  time_point next_available(time_point now) noexcept {
    if (!limited()) return now;
    refill(now);
    if (tokens_ >= 1.0) return now;
    const double wait_ns = (1.0 - tokens_) / rate_per_ns_;
    return now + duration{static_cast<duration::rep>(wait_ns) + 1};
  }

 private:
  void refill(time_point now) noexcept {
    if (now > updated_) {
      tokens_ = std::min(capacity_,
                         tokens_ + static_cast<double>((now - updated_).count()) * rate_per_ns_);
      updated_ = now;
    }
  }

  double rate_per_ns_;
  double capacity_;
  double tokens_;
  time_point updated_;
};

}  // namespace sf
