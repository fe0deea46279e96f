// The venue rules one WebSocket connection lives under, as a sans-I/O state
// machine: maximum lifetime, server pings with a pong deadline, the idle close
// (nothing pushed for a while), and the inbound message rate.
//
// The server feeds it what happened (`on_inbound`, `on_pong`, `on_pushed`) and
// asks, whenever `next_deadline()` passes, what to do (`on_timer`). Every
// number comes from `session_limits`, so tests scale a 24 h lifetime down to
// milliseconds, or drive it with a manual clock and no sockets at all.
//
// Thread safety: none; one per connection, on the connection's thread.
#pragma once

#include <cstddef>
#include <optional>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/token_bucket.hpp"

namespace sf::sim {

struct session_limits {
  duration lifetime{0};         // close after this long (0: never)
  duration ping_interval{0};    // send a WS ping frame this often (0: never)
  duration pong_timeout{0};     // drop if no pong for this long (0: never)
  duration idle_timeout{0};     // close if nothing was pushed for this long (0: never)
  double inbound_per_second = 0;  // inbound messages (text, ping, pong) per second (0: unlimited)
  double inbound_burst = 0;       // bucket capacity (0: same as the rate)
  duration inbound_window{seconds{1}};  // the window the rate is counted over
  std::size_t max_topics = 0;   // subscriptions per connection (0: unlimited)

  friend bool operator==(const session_limits&, const session_limits&) = default;
};

// Why the rules end a connection.
enum class close_cause { lifetime, pong_timeout, idle };

class session_rules {
 public:
  session_rules(const session_limits& limits, time_point now);

  // Counts one inbound message; false when it exceeds the rate.
  bool on_inbound(time_point now);
  void on_pong(time_point now) noexcept { last_pong_ = now; }
  void on_pushed(time_point now) noexcept { last_push_ = now; }

  struct verdict {
    bool send_ping = false;
    std::optional<close_cause> close;
  };
  // Call when `next_deadline()` has passed (calling early is harmless).
  verdict on_timer(time_point now);
  time_point next_deadline() const noexcept;

  const session_limits& limits() const noexcept { return limits_; }
  time_point opened() const noexcept { return opened_; }

 private:
  session_limits limits_;
  time_point opened_;
  time_point last_pong_;
  time_point last_push_;
  time_point next_ping_;
  token_bucket inbound_;
};

}  // namespace sf::sim
