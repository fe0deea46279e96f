// Turns what the recording reports (connection events, gap records) into
// typed alerts with levels, drops repeats within a window, keeps a history
// and hands each alert to its channels (the log, a webhook).
//
//   reconnect_attempt     info      every attempt
//   reconnect_success     info      live again
//   reconnect_failure     info, then warning from alert_threshold failures in a row
//   max_retries_exceeded  critical  the backoff gave up: the connection is failed
//   connection_lost       warning   a live connection dropped unplanned
//   gap_unrecovered       warning   a gap record: a range neither backfill nor redundancy recovered
//   feed_stale            warning   a stream stopped while others flow
//   sink_error            critical  a sink failed to take records
//   connection_failed     critical  a fatal error (auth rejected, an unknown symbol): not retried
//
// Suppression: an alert of the same type, level and subject within
// `suppress` of the last one raised is counted, not raised; the next one
// raised says how many were held back. A flapping connection thus makes one
// alert per window, not one per second.
//
// Thread safety: on_event() and on_gap() from any thread (the feeds'); they
// take a short lock and never wait on a channel's I/O (channels must return
// at once: the webhook channel only queues). history() from any thread.
// add_channel() before the first alert.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "alert.hpp"
#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/event.hpp"
#include "steadyfeed/core/record.hpp"

namespace sf::daemon {

struct alert_settings {
  // Reconnect failures in a row before reconnect_failure is a warning.
  int alert_threshold = 3;
  duration suppress = minutes{5};
  std::size_t history = 1000;
};

struct alert_filter {
  std::optional<alert_level> least;
  std::optional<alert_type> type;
  std::string subject;  // exact; empty: all
  wall_us since = 0;
  std::size_t limit = 100;  // the newest `limit`, oldest first
};

class alert_manager {
 public:
  using channel = std::function<void(const alert&)>;

  alert_manager(alert_settings settings, const clock& clock);

  // Alerts at `least` and above go to `c`.
  void add_channel(alert_level least, channel c);

  // A connection's event ("sink <name>" for a sink's).
  void on_event(std::string_view connection, const event& e);
  // A gap record handed to the sinks.
  void on_gap(const gap_record& gap);

  std::vector<alert> history(const alert_filter& filter) const;
  std::uint64_t raised() const;

 private:
  void raise(alert_type type, alert_level level, std::string subject, std::string message, wall_us time);

  alert_settings settings_;
  const clock& clock_;
  std::vector<std::pair<alert_level, channel>> channels_;
  mutable std::mutex mutex_;
  std::deque<alert> history_;
  std::uint64_t next_id_ = 1;
  struct repeat {
    wall_us last = 0;
    std::uint64_t held = 0;
  };
  std::map<std::tuple<alert_type, alert_level, std::string>, repeat> repeats_;
};

}  // namespace sf::daemon
