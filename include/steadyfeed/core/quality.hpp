// Connection quality: what a desk wants to know about a feed at a glance.
//
// Tracks ping round-trip time (average and p99 over the last 128 samples),
// message and error rates (per-second buckets over the last minute), reconnects
// in the last hour, late pongs, and uptime since the tracker started. `score()`
// folds these into 0–100: 100 is a live connection with fast pongs and no
// trouble in the last hour; each kind of trouble takes a capped share, so one
// bad signal alone cannot push a live connection to zero. The supervisor moves
// to `unstable` below a threshold and back above a higher one (hysteresis).
//
// Thread safety: none; owned by one supervisor, which publishes snapshots.
#pragma once

#include <array>
#include <cstdint>
#include <deque>

#include "steadyfeed/core/clock.hpp"

namespace sf {

struct quality_thresholds {
  duration rtt_good = milliseconds{250};   // p99 up to here costs nothing
  duration rtt_bad = seconds{2};           // p99 here costs the full RTT share
  // Reconnects cost a little each for an hour; a cluster of them is judged by
  // the supervisor's own rule (reconnect_cluster), not by the score.
  int reconnect_penalty = 5;               // per reconnect in the last hour
  int reconnect_penalty_cap = 25;
  int late_pong_penalty = 10;              // per late pong in the last minute
  int late_pong_penalty_cap = 30;
  int rtt_penalty_cap = 30;
  double errors_per_minute_bad = 10.0;     // this rate costs the full error share
  int error_penalty_cap = 20;
  friend bool operator==(const quality_thresholds&, const quality_thresholds&) = default;
};

struct quality_report {
  duration rtt_avg{0};
  duration rtt_p99{0};
  double messages_per_second = 0;    // over the last minute
  double errors_per_minute = 0;      // over the last minute
  int reconnects_last_hour = 0;
  int late_pongs_last_minute = 0;
  double uptime_percent = 0;         // live time since start
  duration live_total{0};            // the live time itself
  duration down_total{0};            // the rest of the time since start
  int score = 0;                     // 0–100
};

class quality_tracker {
 public:
  explicit quality_tracker(time_point start, quality_thresholds t = {}) noexcept
      : thresholds_(t), started_(start), live_since_(never) {}

  void record_rtt(duration rtt) noexcept;
  void record_message(time_point now) noexcept { bump(messages_, now); }
  void record_error(time_point now) noexcept { bump(errors_, now); }
  void record_late_pong(time_point now);
  void record_reconnect(time_point now);
  void set_live(bool live, time_point now) noexcept;

  int score(time_point now);
  quality_report report(time_point now);

 private:
  static constexpr std::size_t window_seconds = 60;
  struct per_second {
    std::array<std::uint32_t, window_seconds> counts{};
    std::array<std::int64_t, window_seconds> second{};  // which second each slot holds
    // The second last bumped, [from, to), and its slot: every message of a
    // second after its first is one comparison and an increment.
    time_point from = time_point::max(), to = time_point::min();
    std::size_t slot = 0;
  };
  static void bump(per_second& w, time_point now) noexcept {
    if (now >= w.from && now < w.to) {
      ++w.counts[w.slot];
      return;
    }
    bump_new_second(w, now);
  }
  static void bump_new_second(per_second& w, time_point now) noexcept;
  static std::uint64_t sum(const per_second& w, time_point now) noexcept;
  void prune(time_point now);

  quality_thresholds thresholds_;
  std::array<duration, 128> rtts_{};
  std::size_t rtt_count_ = 0;
  per_second messages_;
  per_second errors_;
  std::deque<time_point> reconnects_;
  std::deque<time_point> late_pongs_;
  time_point started_;
  time_point live_since_;
  duration live_total_{0};
};

}  // namespace sf
