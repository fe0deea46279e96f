// Reconnect backoff: delay = min(max, initial * multiplier^n), then jitter.
//
// Jitter spreads the reconnects of many connections (and many machines) that
// lost their venue at the same instant, so that they do not come back as one
// storm and trip the venue's connection-rate limit. Two modes:
//   proportional: delay * (1 + U(-fraction, +fraction))   (default, ±25 %)
//   full:         U(0, delay)                             ("full jitter")
// The result is clamped to [0, max] after jitter, so `max` is a hard ceiling.
//
// `max_attempts` (-1 = forever) bounds attempts since the last reset; the
// supervisor resets the schedule once a connection has stayed healthy for
// `reset_after`.
//
// Thread safety: none; a backoff belongs to one supervisor.
#pragma once

#include <cstdint>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/random.hpp"

namespace sf {

enum class jitter_mode { none, proportional, full };

struct backoff_policy {
  // Defaults suit an exchange feed: quick first retry, a ceiling that keeps a
  // long outage from hammering the venue, ±25 % jitter against storms.
  duration initial = milliseconds{500};
  duration max = seconds{30};
  double multiplier = 2.0;
  jitter_mode jitter = jitter_mode::proportional;
  double jitter_fraction = 0.25;
  int max_attempts = -1;                 // -1 = retry forever
  duration reset_after = seconds{60};    // healthy this long → schedule restarts

  // Empty when valid, otherwise what is wrong, naming the field.
  const char* validate() const noexcept;
  friend bool operator==(const backoff_policy&, const backoff_policy&) = default;
};

class backoff {
 public:
  explicit backoff(backoff_policy policy) noexcept : policy_(policy) {}

  // The delay before the next attempt, counting it. Deterministic given `random`.
  duration next_delay(rng& random) noexcept;

  // The un-jittered delay for attempt number `n` (0-based).
  duration base_delay(int n) const noexcept;

  int attempts() const noexcept { return attempts_; }
  bool exhausted() const noexcept {
    return policy_.max_attempts >= 0 && attempts_ >= policy_.max_attempts;
  }
  void reset() noexcept { attempts_ = 0; }
  const backoff_policy& policy() const noexcept { return policy_; }

 private:
  backoff_policy policy_;
  int attempts_ = 0;
};

}  // namespace sf
