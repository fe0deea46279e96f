// Time for steadyfeed: one monotonic clock type, one wall clock, and the
// injectable source that every state machine reads instead of the system.
//
// The state machines (supervisor, arbiter, book sync) never read a clock: the
// caller passes `now` with every event. Drivers take a `clock&` so that tests can
// substitute `manual_clock` and run a 24 h connection lifetime in microseconds.
// Only src/core/clock.cpp touches std::chrono's real clocks and the OS entropy
// source; a check in CI keeps it that way.
//
// Thread safety: `system_clock_source` is stateless and safe everywhere.
// `manual_clock` is safe to read from several threads while one thread advances it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sf {

using duration = std::chrono::nanoseconds;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// A monotonic clock usable as asio's `basic_waitable_timer<mono_clock>`.
struct mono_clock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = sf::duration;
  using time_point = std::chrono::time_point<mono_clock, duration>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept;
};

using time_point = mono_clock::time_point;

// "Never": a deadline that is not armed.
inline constexpr time_point never = time_point::max();

// Microseconds since the Unix epoch, the unit of every record timestamp.
using wall_us = std::int64_t;

// Where drivers get time from.
class clock {
 public:
  virtual ~clock() = default;
  virtual time_point now() const noexcept = 0;
  virtual wall_us wall_now() const noexcept = 0;
};

// The real clocks.
class system_clock_source final : public clock {
 public:
  time_point now() const noexcept override;
  wall_us wall_now() const noexcept override;
  static const system_clock_source& instance() noexcept;
};

// A clock that moves only when told to. Wall time moves with monotonic time.
class manual_clock final : public clock {
 public:
  explicit manual_clock(time_point start = time_point{seconds{1'000'000}},
                        wall_us wall_start = 1'700'000'000'000'000) noexcept
      : mono_(start.time_since_epoch().count()), wall_start_(wall_start),
        mono_start_(start.time_since_epoch().count()) {}

  time_point now() const noexcept override {
    return time_point{duration{mono_.load(std::memory_order_acquire)}};
  }
  wall_us wall_now() const noexcept override {
    return wall_start_ + (mono_.load(std::memory_order_acquire) - mono_start_) / 1000;
  }
  void advance(duration d) noexcept { mono_.fetch_add(d.count(), std::memory_order_acq_rel); }
  void set(time_point t) noexcept { mono_.store(t.time_since_epoch().count(), std::memory_order_release); }

 private:
  std::atomic<std::int64_t> mono_;
  wall_us wall_start_;
  std::int64_t mono_start_;
};

// A seed for random number generators drawn from the operating system. Only
// used where no seed was configured; tests always pass their own.
std::uint64_t entropy_seed() noexcept;

}  // namespace sf
