// The connection supervisor: one logical feed connection kept alive for months.
//
// A deterministic, sans-I/O state machine. The driver feeds it events — the
// link opened or failed, a frame arrived, a pong, the link closed, the timer
// fired — each with the current time, and carries out the actions it returns
// (open a link, send a frame, close a link, arm the timer). Because it never
// reads a clock or touches a socket, a 24 h lifetime with a make-before-break
// rotation, a backoff schedule or a thousand random failure orders run as unit
// tests in milliseconds.
//
// What it does:
//   * states disconnected/connecting/connected/reconnecting/unstable/failed with
//     guarded transitions, each recorded as an event with its reason;
//   * reconnects with jittered exponential backoff, honours Retry-After on 429
//     and 418, stops in `failed` on fatal errors instead of retrying;
//   * WebSocket ping frames and the venue's application ping, pong deadlines,
//     an idle watchdog that ignores heartbeats, and per-stream staleness that
//     tolerates quiet symbols but catches a feed whose data froze;
//   * a subscription registry restored after every reconnect, changed at run
//     time by sending only the difference, paced under the venue's control
//     message rate, acks and refusals tracked per topic;
//   * proactive rotation before the venue's lifetime: a second link is opened
//     and subscribed, its messages are held until they overlap the old link's
//     on every active stream (bounded in time and memory), then it takes over
//     and the old link is closed; each message is delivered at most once;
//   * an event journal, quality tracking and a published stats snapshot.
//
// Threading: all inputs must come from one thread (the connection's io_context
// thread). `snapshot()` and `is_healthy()` may be called from any thread: they
// read a copy published at every housekeeping tick and state change.
//
// Lifetime: the supervisor owns a share of its venue_protocol, which it alone
// uses for decoding;
// callbacks are invoked synchronously from the inputs and must not call back
// into the supervisor's inputs (queue the work instead).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/connection_state.hpp"
#include "steadyfeed/core/error.hpp"
#include "steadyfeed/core/event.hpp"
#include "steadyfeed/core/quality.hpp"
#include "steadyfeed/feed/action.hpp"
#include "steadyfeed/feed/connect_limiter.hpp"
#include "steadyfeed/feed/message.hpp"
#include "steadyfeed/feed/subscription_registry.hpp"
#include "steadyfeed/feed/supervisor_config.hpp"
#include "steadyfeed/venue/venue_protocol.hpp"

namespace sf {

struct supervisor_counters {
  std::uint64_t messages = 0;           // data messages delivered
  std::uint64_t bytes = 0;              // data bytes delivered
  std::uint64_t frames = 0;             // every inbound frame
  std::uint64_t duplicates_dropped = 0;
  std::uint64_t invalid_frames = 0;
  std::uint64_t connects = 0;           // times the connection became live (the first time, and each reconnect)
  // Times the live connection was lost or dropped on request; a planned
  // rotation is not one (unless the old connection dies before the switch:
  // then the new one takes over, and no connect is counted).
  std::uint64_t disconnects = 0;
  std::uint64_t reconnect_attempts = 0;
  std::uint64_t reconnect_successes = 0;
  std::uint64_t reconnect_failures = 0;
  std::uint64_t rotations = 0;
  std::uint64_t heartbeat_timeouts = 0;
  std::uint64_t control_frames_sent = 0;
};

struct supervisor_stats {
  std::string name;
  std::string venue;
  connection_state state = connection_state::disconnected;
  link_id primary = 0;
  bool rotating = false;
  std::string url;                  // where a new connection goes now (with its topics, for URL venues)
  wall_us connected_since = 0;      // 0 when not live
  wall_us last_connected = 0;       // when it last became live; 0 when never
  wall_us last_reconnect = 0;       // 0 when never
  int consecutive_failures = 0;     // connection attempts failed since it was last live
  duration last_reconnect_latency{0};
  quality_report quality;
  supervisor_counters counters;
  std::vector<topic_entry> topics;
  std::vector<std::string> stale_streams;
  std::vector<event> events;        // the journal, oldest first
};

class supervisor {
 public:
  struct callbacks {
    std::function<void(const message&)> on_message;
    std::function<void(connection_state from, connection_state to, std::string_view reason)>
        on_state_change;
    std::function<void(const event&)> on_event;
  };

  supervisor(supervisor_config config, std::shared_ptr<venue_protocol> protocol,
             std::vector<std::string> topics, time_point now, wall_us wall_now,
             std::shared_ptr<connect_limiter> limiter = nullptr);
  ~supervisor();
  supervisor(const supervisor&) = delete;
  supervisor& operator=(const supervisor&) = delete;

  void set_callbacks(callbacks cb) { callbacks_ = std::move(cb); }

  // ---- inputs (one thread) --------------------------------------------------
  // `wall` is the wall-clock time of the same instant, used for event times.
  void start(time_point now, wall_us wall);
  void stop(time_point now, wall_us wall, std::string_view reason);
  void on_open(link_id link, time_point now, wall_us wall);
  void on_open_failed(link_id link, const failure& why, time_point now, wall_us wall);
  // `room`: whether the frame may be parsed where it lies (see frame_room).
  void on_frame(link_id link, std::string_view frame, time_point now, wall_us wall,
                frame_room room = frame_room::none);
  void on_ping(link_id link, time_point now);  // a server WS ping (the driver answers it)
  void on_pong(link_id link, std::string_view payload, time_point now, wall_us wall);
  void on_closed(link_id link, const failure& why, time_point now, wall_us wall);
  void on_timer(time_point now, wall_us wall);

  // Adds topics (only new ones are sent). Returns the topics refused because
  // the connection is at the venue's topics-per-connection limit.
  std::vector<std::string> subscribe(std::span<const std::string> topics, time_point now, wall_us wall);
  void unsubscribe(std::span<const std::string> topics, time_point now, wall_us wall);
  // Start a make-before-break rotation now (maintenance notice, operator).
  void request_rotation(time_point now, wall_us wall, std::string_view reason);
  // Drop the link and reconnect at once (operator); also leaves `failed`.
  void request_reconnect(time_point now, wall_us wall, std::string_view reason);

  // The actions produced since the last call, in order.
  std::vector<action> take_actions();
  std::vector<action>& pending_actions() noexcept { return actions_; }

  // ---- state (the input thread) ----------------------------------------------
  connection_state state() const noexcept { return state_; }
  time_point next_deadline() const noexcept { return armed_; }
  const supervisor_counters& counters() const noexcept { return counters_; }
  const subscription_registry& subscriptions() const noexcept { return registry_; }
  std::vector<event> journal() const { return journal_.entries(); }
  quality_report quality(time_point now);
  link_id primary_link() const noexcept;
  link_id candidate_link() const noexcept;
  std::size_t open_links() const noexcept;
  bool rotating() const noexcept;
  const supervisor_config& config() const noexcept { return config_; }

  // ---- any thread --------------------------------------------------------------
  // True while data flows on a live link (connected, or unstable but live).
  bool is_healthy() const noexcept { return healthy_.load(std::memory_order_acquire); }
  supervisor_stats snapshot() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;

  void publish(time_point now);

  supervisor_config config_;
  std::shared_ptr<venue_protocol> protocol_;
  subscription_registry registry_;
  event_journal journal_;
  supervisor_counters counters_;
  callbacks callbacks_;
  std::vector<action> actions_;
  connection_state state_ = connection_state::disconnected;
  time_point armed_ = never;
  std::atomic<bool> healthy_{false};
  mutable std::mutex published_mutex_;
  supervisor_stats published_;
  // journal_.total() when published_.events was copied: the journal is
  // copied again only when it changed (a publish runs every second).
  std::uint64_t published_events_at_ = ~std::uint64_t{0};

  friend struct supervisor_access;
};

}  // namespace sf
