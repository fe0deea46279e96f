// The supervisor's inside: its state (supervisor::impl) and the operations
// on it (supervisor_access), defined by concern across the supervisor's own
// files. Not installed; only those files include it.
//
// Thread safety: none; the supervisor's thread.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "feed/link.hpp"
#include "steadyfeed/core/backoff.hpp"
#include "steadyfeed/core/random.hpp"
#include "steadyfeed/feed/rotation.hpp"
#include "steadyfeed/feed/stale_watch.hpp"
#include "steadyfeed/feed/stream_dedup.hpp"
#include "steadyfeed/feed/supervisor.hpp"

namespace sf {

template <typename V>
using text_map = std::unordered_map<std::string, V, text_hash, std::equal_to<>>;

inline std::string describe(duration d) {
  const auto ms = std::chrono::duration_cast<milliseconds>(d).count();
  if (ms < 10'000) return fmt::format("{} ms", ms);
  return fmt::format("{} s", ms / 1000);
}

inline std::string join_topics(std::span<const std::string> topics, std::size_t max_shown = 5) {
  std::string out;
  for (std::size_t i = 0; i < topics.size() && i < max_shown; ++i) {
    if (i) out += ", ";
    out += topics[i];
  }
  if (topics.size() > max_shown) out += fmt::format(" and {} more", topics.size() - max_shown);
  return out;
}

// A stream as the supervisor keeps it: its activity (stale_watch), its
// dedup watermark, and its part in a rotation's overlap.
struct stream_state : stream_activity, stream_watermark, stream_overlap {};

// Bounds the stream table against a venue that invents stream names.
inline constexpr std::size_t extra_streams_allowed = 64;

struct supervisor::impl {
  impl(const supervisor_config& c, time_point now)
      : random(c.seed ? c.seed : entropy_seed()),
        reconnect_backoff(c.backoff),
        rotation_backoff(c.backoff),
        quality(now, c.quality),
        stale(c),
        turnover(c),
        primary_identities(c.dedup_window) {}

  rng random;
  backoff reconnect_backoff;
  backoff rotation_backoff;
  quality_tracker quality;
  stale_watch stale;  // reads the supervisor's config_, which outlives every call
  rotation turnover;  // likewise
  std::shared_ptr<connect_limiter> limiter;

  heartbeat_settings beat;  // every link's

  std::optional<link_state> primary;
  std::optional<link_state> candidate;  // only while rotating
  link_id next_link = 1;
  std::uint64_t next_request = 1;

  text_map<stream_state> streams;
  // The stream the last data frame belonged to: a feed's frames mostly come
  // from one or a few streams, and comparing the name beats hashing it.
  // Points into `streams`, whose nodes stay put; forget_stream() clears it.
  std::string_view last_stream_name;
  stream_state* last_stream = nullptr;

  void forget_stream(std::string_view name) {
    last_stream = nullptr;
    last_stream_name = {};
    if (auto it = streams.find(name); it != streams.end()) streams.erase(it);
  }

  // reconnecting
  time_point reconnect_at = never;
  bool reconnect_slot_reserved = false;
  // Failed after the retries ran out, and probing once per backoff.max
  // (supervisor_config::on_retries_exhausted): set from the first probe to
  // the next live connection, start() or stop().
  bool probing = false;
  time_point lost_at{};
  std::deque<time_point> reconnect_times;  // for clustering

  // rotating: the candidate's connection attempt
  time_point rotation_retry_at = never;
  bool rotation_slot_reserved = false;
  // Identities of messages without sequence ids delivered within the dedup
  // window: a new link that is behind the old one repeats them.
  stream_dedup primary_identities;

  time_point next_housekeeping = never;
  time_point next_health_check{};  // check_quality's next turn
  time_point healthy_since = never;
  wall_us connected_since_wall = 0;
  wall_us last_connected_wall = 0;  // kept while down
  wall_us last_reconnect_wall = 0;
  int consecutive_failures = 0;  // attempts failed since the connection was last live
  duration last_reconnect_latency{0};
  time_point last_invalid_event = never;
  std::uint64_t invalid_since_event = 0;

  link_state* find(link_id id) noexcept {
    if (primary && primary->id == id) return &*primary;
    if (candidate && candidate->id == id) return &*candidate;
    return nullptr;
  }
  bool is_candidate(const link_state& l) const noexcept { return candidate && &*candidate == &l; }
};

// Operations on the supervisor's state, for its own files.
struct supervisor_access {
  supervisor& s;
  supervisor::impl& m;

  // transitions and timers (supervisor.cpp)
  void emit(event_kind kind, severity level, std::string reason, wall_us wall, link_id link = 0,
            duration latency = duration{0}, int attempt = 0);
  void transition(connection_state to, std::string_view reason, time_point now, wall_us wall);
  time_point next_deadline(time_point now);
  void rearm(time_point now);

  // opening, failing and reconnecting links (supervisor_links.cpp)
  void configure_link(link_state& l, time_point now);
  // Opens a link for `as_candidate` now, or books a slot under the venue's
  // connection limit and returns false when it must wait.
  bool open_link_now(bool as_candidate, time_point now);
  void close(link_state& l, int code, std::string_view reason);
  void primary_opened(time_point now, wall_us wall);
  void candidate_opened(time_point now, wall_us wall);
  bool clustered(time_point now);
  duration retry_delay(backoff& b, const failure& why);
  void go_failed(const failure& why, time_point now, wall_us wall);
  // The primary's connection attempt failed (before it opened).
  void primary_attempt_failed(const failure& why, time_point now, wall_us wall);
  // The live primary is gone.
  void primary_lost(const failure& why, time_point now, wall_us wall);
  void drop_primary(errc code, std::string detail, time_point now, wall_us wall);
  void candidate_failed(const failure& why, time_point now, wall_us wall);

  // data, dedup and the rotation's switch-over (supervisor_streams.cpp)
  void begin_rotation(std::string_view reason, time_point now, wall_us wall);
  void end_rotation();
  bool candidate_subscribed() const;
  void maybe_switch(time_point now, wall_us wall);
  void deliver(link_id link, std::string_view stream, std::uint64_t seq, bool has_seq, bool resets,
               std::string_view frame, wall_us received, const record_batch* records,
               time_point now);
  void switch_over(time_point now, wall_us wall, std::string_view why);
  stream_state* stream(std::string_view name);
  void note_arrival(stream_state& st, std::string_view name, time_point now, wall_us wall);
  void primary_data(link_state& l, const inbound& in, std::string_view frame, time_point now,
                    wall_us wall);
  void candidate_data(const inbound& in, std::string_view frame, time_point now, wall_us wall);

  // control frames and acknowledgements (supervisor_subscriptions.cpp)
  void queue_subscribe(link_state& l, std::span<const std::string> topics, bool subscribe);
  void flush(link_state& l, time_point now);
  void flush_all(time_point now);
  // Sends a heartbeat if the control budget allows; otherwise it goes out at
  // the next token.
  bool take_heartbeat_token(link_state& l, time_point now);
  void restore_subscriptions(link_state& l);
  void on_ack(link_state& l, const inbound& in, time_point now, wall_us wall);
  void on_nack(link_state& l, const inbound& in, time_point now, wall_us wall);
  void check_acks(time_point now, wall_us wall);

  // heartbeats, idle and stale data, quality (supervisor_watchdogs.cpp)
  void heartbeats(link_state& l, time_point now, wall_us wall, bool& dropped);
  // A solicited pong's round trip, into the quality tracker.
  void pong_received(std::optional<duration> rtt, time_point now);
  bool expects_data(const link_state& l) const;
  void watchdogs(time_point now, wall_us wall);
  void check_staleness(time_point now, wall_us wall);
  void check_quality(time_point now, wall_us wall);
  void housekeeping(time_point now, wall_us wall);
};

}  // namespace sf
