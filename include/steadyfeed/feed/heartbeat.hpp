// One link's heartbeat schedule: when to send the next WebSocket ping and
// the venue's application ping, and by when each must be answered.
//
// A part of the supervisor, sans-I/O like it: it is told the time and what
// arrived, and says what is due; the supervisor sends the frames (within the
// link's control-message budget), records round trips in the quality
// tracker, and drops the link on a timeout.
//
//   link opened ─▶ start()          pings scheduled one interval ahead
//   timer       ─▶ expired()        a pong missed its deadline → drop the link
//                  ws_ping_due() ─▶ send_ws_ping() or defer_ws_ping(until)
//                  app_ping_due() ─▶ send_app_ping() or defer_app_ping(until)
//   pong        ─▶ on_ws_pong() / on_app_pong() → the round trip, if solicited
//
// At most one ping of each kind is outstanding; the next one is due one
// interval after the previous was sent, so a slow pong does not bunch pings
// up. A venue that wants its application ping only on a quiet connection
// (OKX) gets it one interval after the last frame received, not on a clock.
//
// Thread safety: none; the supervisor's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "steadyfeed/core/clock.hpp"

namespace sf {

struct heartbeat_settings {
  duration ws_ping_interval{0};   // 0: no WebSocket pings
  duration app_ping_interval{0};  // 0: no application pings
  duration pong_timeout{seconds{10}};
  bool app_ping_when_idle = false;  // send the application ping only after this long without a frame
};

class heartbeat {
 public:
  enum class missed : std::uint8_t { ws_pong, app_pong };

  explicit heartbeat(heartbeat_settings settings = {}) noexcept : settings_(settings) {}

  // The link opened at `now`: the first pings are one interval away.
  void start(time_point now) noexcept;

  // A pong whose deadline has passed, if any (the WebSocket pong first).
  std::optional<missed> expired(time_point now) const noexcept;

  bool ws_ping_due(time_point now) const noexcept {
    return next_ws_ping_ <= now && ws_pong_deadline_ == never;
  }
  // Records the ping as sent at `now`; returns the payload to send with it.
  std::string_view send_ws_ping(time_point now);
  // No frame may be sent before `until` (the control budget): try then.
  void defer_ws_ping(time_point until) noexcept { next_ws_ping_ = until; }

  // `last_rx`: when the link last received any frame. For an idle-only
  // ping that is not yet due, reschedules it and returns false.
  bool app_ping_due(time_point now, time_point last_rx) noexcept;
  void send_app_ping(time_point now) noexcept;
  void defer_app_ping(time_point until) noexcept { next_app_ping_ = until; }

  // The round trip of the ping this pong answers; nullopt for a pong nobody
  // asked for (unsolicited, or a WebSocket pong whose payload is not the
  // last ping's).
  std::optional<duration> on_ws_pong(std::string_view payload, time_point now) noexcept;
  std::optional<duration> on_app_pong(time_point now) noexcept;

  // The earliest time something is due: a ping or a pong deadline.
  time_point next_deadline() const noexcept;

  const heartbeat_settings& settings() const noexcept { return settings_; }

 private:
  heartbeat_settings settings_;
  std::uint64_t ws_ping_counter_ = 0;
  std::string ws_ping_payload_;
  time_point next_ws_ping_ = never;
  time_point ws_ping_sent_{};
  time_point ws_pong_deadline_ = never;
  time_point next_app_ping_ = never;
  time_point app_ping_sent_{};
  time_point app_pong_deadline_ = never;
};

}  // namespace sf
