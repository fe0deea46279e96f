// The daemon's log: what `run` and `demo` say as they go (start, stop,
// reloads, connection events, alerts, reports), on stderr, through spdlog
// (one writer for every thread, levels), as text or as JSON lines.
//
//   text: 2026-12-02T09:30:00.123Z steadyfeed: okx/0 reconnect_failed: refused
//   json: {"time":"2026-12-02T09:30:00.123Z","level":"warning","message":"okx/0
//          reconnect_failed: refused","connection":"okx/0","kind":"reconnect_failed"}
//
// (a JSON line is one line). The message is the same in both; JSON adds the
// fields a log pipeline filters by. Secrets never reach the log: callers
// pass none (the API token is read once and kept by the control API alone).
//
// Thread safety: write() from any thread; configure() before the first
// write, from the controlling thread.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/event.hpp"

namespace sf::daemon {

enum class log_format : std::uint8_t { text, json };

using log_field = std::pair<std::string_view, std::string_view>;

class daemon_log {
 public:
  // Text until configured.
  static void configure(log_format format);
  // A line stamped `time` (its own moment, such as an event's); `fields`
  // appear in JSON only.
  static void write(severity level, wall_us time, std::string_view message,
                    std::initializer_list<log_field> fields = {});
  // A line stamped now.
  static void write(severity level, std::string_view message, std::initializer_list<log_field> fields = {});

  // The line itself, without writing it (tests).
  static std::string format(log_format format, severity level, wall_us time, std::string_view message,
                            std::initializer_list<log_field> fields);
};

}  // namespace sf::daemon
