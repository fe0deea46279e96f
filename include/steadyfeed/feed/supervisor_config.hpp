// Settings of one supervised connection, with named profiles.
//
// Plain data. Every default is chosen for a public exchange feed and says why;
// `validate()` reports every problem at once, naming the field.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/backoff.hpp"
#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/quality.hpp"

namespace sf {

// What a connection does once its backoff's max_attempts ran out.
enum class retries_exhausted_action : std::uint8_t {
  probe,  // stay failed, and try once per backoff.max until the venue answers
  stop,   // stay failed until restarted (reconnect(), the API)
};

struct supervisor_config {
  // Shown in events, metrics and the API.
  std::string name = "connection";

  backoff_policy backoff;
  // A recorder that gives up for good after a long venue outage loses
  // everything after it: by default a failed connection keeps probing.
  retries_exhausted_action on_retries_exhausted = retries_exhausted_action::probe;

  // TCP connect, TLS and WebSocket handshake together. Ten seconds covers a
  // slow TLS handshake across an ocean without leaving a dead attempt hanging.
  duration connect_timeout = seconds{10};

  // No data frame at all for this long → reconnect. Heartbeats and pongs never
  // count as data. 0 disables it (a connection of only illiquid symbols).
  duration idle_timeout = seconds{60};

  // Per-stream staleness: a stream is stale after
  // clamp(stale_factor × its typical gap between messages, stale_min, stale_max),
  // and only once it has shown `stale_min_messages` messages (a quiet symbol
  // that never traded is not stale, it is quiet). A stale stream raises an
  // event; only when every liquid stream is stale at once (data frozen while
  // pongs still arrive) is the connection restarted.
  double stale_factor = 50.0;
  duration stale_min = seconds{5};
  duration stale_max = minutes{10};
  std::size_t stale_min_messages = 20;
  std::map<std::string, duration, std::less<>> stale_overrides;  // per stream

  // Proactive rotation starts this long before the venue's lifetime ends.
  duration rotation_margin = minutes{5};
  // The connection lifetime, when it differs from the venue's documented one
  // (a simulator with a scaled-down lifetime, a venue that changed its rule).
  std::optional<duration> lifetime;
  // Where on the clock this connection's rotations fall: at phase + k ×
  // (lifetime − rotation_margin), each link rotating at the last such point
  // it lives to (so its first rotation may come early). Redundant
  // connections of one shard get phases spread over the period, so that
  // their planned rotations never coincide. Unset: one period after each
  // link opens.
  std::optional<duration> rotation_phase;
  // A rotation waits at most this long for the new connection to overlap the
  // old one before it switches anyway (and reports the streams not shown).
  duration overlap_timeout = seconds{30};
  // Streams that delivered on the old connection within this window must show
  // overlap before the switch.
  duration overlap_active_window = seconds{10};
  // Messages held from the new connection while waiting for overlap.
  std::size_t overlap_buffer_messages = 200'000;
  std::size_t overlap_buffer_bytes = std::size_t{128} << 20;
  // Identity window for messages without a sequence id.
  duration dedup_window = seconds{10};

  // Subscription requests without an ack after this are re-sent, twice, then
  // the topic is marked failed.
  duration ack_timeout = seconds{10};
  int ack_retries = 2;

  // Pace control frames at this fraction of the venue's published limit, so a
  // restore of hundreds of topics never trips a rate-limit disconnect.
  double control_rate_safety = 0.8;

  // Heartbeat overrides; unset fields take the venue's policy.
  std::optional<duration> ws_ping_interval;
  std::optional<duration> app_ping_interval;
  std::optional<duration> pong_timeout;
  // A pong slower than this fraction of the pong timeout counts as late.
  double late_pong_fraction = 0.5;

  // Quality: `unstable` below the first score, back to `connected` at or above
  // the second (hysteresis keeps a borderline feed from flapping). Clustered
  // reconnects (`reconnect_cluster` within the window) also mean unstable.
  int unstable_below = 50;
  int stable_at = 70;
  int reconnect_cluster = 3;
  duration reconnect_cluster_window = minutes{10};
  quality_thresholds quality;

  // Housekeeping: staleness, ack timeouts, published snapshot.
  duration housekeeping_interval = seconds{1};
  // The health check: how often the quality score is judged (connected ⇄
  // unstable, and the backoff reset after reset_after of health). Watchdogs
  // and ack timers keep the housekeeping interval; a slower judgement only
  // keeps a connection from flapping between states on one bad second.
  duration health_check_interval = seconds{1};

  std::size_t journal_capacity = 100;

  // Seed for backoff jitter; 0 draws one from the system.
  std::uint64_t seed = 0;

  // Every problem, each naming its field; empty when valid.
  std::vector<std::string> validate() const;
  friend bool operator==(const supervisor_config&, const supervisor_config&) = default;

  // Three sets of values over the defaults above, named as operators name
  // them elsewhere (max_retries, initial and max delay, multiplier, jitter,
  // health check, connection timeout, ping, pong timeout, failures before
  // unstable):
  //   development: 5, 1s, 1m, 2.0, 0.1, 30s, 30s, 30s, 10s, 3, and shorter
  //                idle, overlap and ack timeouts, to see failures fast;
  //   production:  10, 1s, 5m, 2.0, 0.1, 30s, 30s, 30s, 10s, 5: a venue down
  //                for long is probed every 5 minutes, not hammered;
  //   high-load:   15, 500ms, 10m, 1.5, 0.2, 15s, 15s, 15s, 5s, 10: quicker
  //                heartbeats and wider jitter for many connections, and
  //                larger overlap buffers and staleness windows for many
  //                busy streams.
  // Every profile sends WebSocket pings of its own, even to a venue that
  // pings the client itself: a half-open connection is found from this side.
  static std::optional<supervisor_config> profile(std::string_view name);
  static const std::vector<std::string_view>& profile_names();
};

}  // namespace sf
