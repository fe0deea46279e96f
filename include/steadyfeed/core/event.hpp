// Connection events and the per-connection journal that keeps the last N.
//
// Every state transition and every notable occurrence (a reconnect attempt, a
// heartbeat timeout, a rotation, a gap) becomes an `event` with a wall-clock
// time, a severity, a reason a person can read, and where it applies the
// latency and the attempt number. The journal is a fixed ring so a connection
// that flaps for months keeps a bounded memory; counters in the quality tracker
// keep the totals.
//
// Thread safety: `event_journal` is not synchronised; the supervisor owns it and
// publishes copies for other threads (see supervisor::snapshot()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/clock.hpp"

namespace sf {

enum class event_kind : std::uint8_t {
  connected,
  disconnected,
  reconnect_attempt,
  reconnect_success,
  reconnect_failed,
  heartbeat_timeout,
  rotation_started,
  rotation_completed,
  gap_detected,
  gap_filled,
  resync,
  error,
  quality_degraded,
  quality_improved,
  state_changed,
  subscribed,
  subscription_failed,
  stream_stale,
  stream_resumed,
  retries_exhausted,  // the backoff's attempts ran out: the connection is failed
};

std::string_view to_string(event_kind k) noexcept;

// 1 = info, 2 = notice, 3 = warning, 4 = critical.
enum class severity : std::uint8_t { info = 1, notice = 2, warning = 3, critical = 4 };

std::string_view to_string(severity s) noexcept;

struct event {
  wall_us time = 0;
  event_kind kind = event_kind::error;
  severity level = severity::info;
  std::string reason;
  duration latency{0};
  int attempt = 0;
  std::uint64_t link = 0;  // the physical connection it concerns, 0 if none
};

class event_journal {
 public:
  explicit event_journal(std::size_t capacity = 100) : capacity_(capacity ? capacity : 1) {
    ring_.reserve(capacity_);
  }

  void push(event e);

  // Oldest first.
  std::vector<event> entries() const;
  std::size_t size() const noexcept { return ring_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }
  std::uint64_t total() const noexcept { return total_; }

 private:
  std::size_t capacity_;
  std::vector<event> ring_;
  std::size_t head_ = 0;  // next slot to overwrite once full
  std::uint64_t total_ = 0;
};

}  // namespace sf
