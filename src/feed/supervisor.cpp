#include "steadyfeed/feed/supervisor.hpp"

#include "steadyfeed/feed/control_channel.hpp"
#include "steadyfeed/feed/heartbeat.hpp"
#include "steadyfeed/feed/rotation.hpp"
#include "steadyfeed/feed/stale_watch.hpp"
#include "steadyfeed/feed/stream_dedup.hpp"
#include "feed/link.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "core/same_text.hpp"
#include "steadyfeed/core/backoff.hpp"
#include "steadyfeed/core/random.hpp"
#include "steadyfeed/core/token_bucket.hpp"

namespace sf {
namespace {

template <typename V>
using text_map = std::unordered_map<std::string, V, text_hash, std::equal_to<>>;

std::string describe(duration d) {
  const auto ms = std::chrono::duration_cast<milliseconds>(d).count();
  if (ms < 10'000) return fmt::format("{} ms", ms);
  return fmt::format("{} s", ms / 1000);
}

std::string join_topics(std::span<const std::string> topics, std::size_t max_shown = 5) {
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
constexpr std::size_t extra_streams_allowed = 64;

}  // namespace

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
  time_point lost_at{};
  std::deque<time_point> reconnect_times;  // for clustering

  // rotating: the candidate's connection attempt
  time_point rotation_retry_at = never;
  bool rotation_slot_reserved = false;
  // Identities of messages without sequence ids delivered within the dedup
  // window: a new link that is behind the old one repeats them.
  stream_dedup primary_identities;

  time_point next_housekeeping = never;
  time_point healthy_since = never;
  wall_us connected_since_wall = 0;
  wall_us last_reconnect_wall = 0;
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

// ---------------------------------------------------------------------------
// Construction and small helpers

struct supervisor_access {
  supervisor& s;
  supervisor::impl& m;

  // ---- events and transitions ----------------------------------------------
  void emit(event_kind kind, severity level, std::string reason, wall_us wall, link_id link = 0,
            duration latency = duration{0}, int attempt = 0) {
    event e{wall, kind, level, std::move(reason), latency, attempt, link};
    if (s.callbacks_.on_event) s.callbacks_.on_event(e);
    s.journal_.push(std::move(e));
  }

  void transition(connection_state to, std::string_view reason, time_point now, wall_us wall) {
    const connection_state from = s.state_;
    if (!transition_allowed(from, to))
      throw std::logic_error(fmt::format("supervisor {}: transition {} -> {} is not allowed",
                                         s.config_.name, to_string(from), to_string(to)));
    s.state_ = to;
    s.healthy_.store(is_live(to), std::memory_order_release);
    if (is_live(to) && !is_live(from)) {
      m.quality.set_live(true, now);
      m.connected_since_wall = wall;
    } else if (!is_live(to) && is_live(from)) {
      m.quality.set_live(false, now);
      m.connected_since_wall = 0;
    }
    const severity level = to == connection_state::failed         ? severity::critical
                           : to == connection_state::reconnecting ? severity::warning
                           : to == connection_state::unstable     ? severity::warning
                                                                  : severity::info;
    emit(event_kind::state_changed, level,
         fmt::format("{} -> {}: {}", to_string(from), to_string(to), reason), wall,
         m.primary ? m.primary->id : 0);
    if (s.callbacks_.on_state_change) s.callbacks_.on_state_change(from, to, reason);
    s.publish(now);
  }

  // ---- links -------------------------------------------------------------------
  void configure_link(link_state& l, time_point now) {
    const auto& lim = s.protocol_->limits();
    control_channel channel;
    if (lim.control_messages_per_second > 0) {
      const double rate = lim.control_messages_per_second * s.config_.control_rate_safety;
      // By default no burst: with one token of capacity any one-second window
      // holds at most rate + 1 frames, which the safety fraction keeps under a
      // per-second limit. Venues with hourly budgets (OKX) declare a burst.
      channel = control_channel(token_bucket(rate, seconds{1}, std::max(1.0, lim.control_burst), now));
    }
    l.open(now, m.beat, std::move(channel),
           rotation::due_at(now, s.config_.lifetime.value_or(lim.lifetime), s.config_.rotation_margin,
                            s.config_.rotation_phase));
  }

  // Opens a link for `as_candidate` now, or books a slot under the venue's
  // connection limit and returns false when it must wait.
  bool open_link_now(bool as_candidate, time_point now) {
    bool& reserved = as_candidate ? m.rotation_slot_reserved : m.reconnect_slot_reserved;
    if (m.limiter && !reserved) {
      const time_point at = m.limiter->reserve(now);
      if (at > now) {
        reserved = true;
        (as_candidate ? m.rotation_retry_at : m.reconnect_at) = at;
        return false;
      }
    }
    reserved = false;
    link_state l;
    l.id = m.next_link++;
    l.open_deadline = now + s.config_.connect_timeout;
    std::vector<std::string> topics = s.registry_.restorable();
    if (s.protocol_->mode() == subscribe_mode::url) l.url_topics = topics;
    s.actions_.push_back(open_link{l.id, s.protocol_->url(l.url_topics)});
    (as_candidate ? m.candidate : m.primary) = std::move(l);
    return true;
  }

  void close(link_state& l, int code, std::string_view reason) {
    s.actions_.push_back(close_link{l.id, code, std::string(reason)});
  }

  // ---- control frames ------------------------------------------------------
  void queue_subscribe(link_state& l, std::span<const std::string> topics, bool subscribe) {
    l.control.queue(topics, subscribe, *s.protocol_, m.next_request);
  }

  void flush(link_state& l, time_point now) {
    s.counters_.control_frames_sent += l.control.flush(now, [&](std::string payload) {
      s.actions_.push_back(send_frame{l.id, frame_kind::text, std::move(payload)});
    });
  }

  void flush_all(time_point now) {
    if (m.primary && m.primary->is_open()) flush(*m.primary, now);
    if (m.candidate && m.candidate->is_open()) flush(*m.candidate, now);
  }

  // Sends a heartbeat if the control budget allows; otherwise it goes out at
  // the next token.
  bool take_heartbeat_token(link_state& l, time_point now) {
    return l.control.take_heartbeat_token(now, s.protocol_->limits().pings_count_as_control);
  }

  // ---- opening -------------------------------------------------------------------
  void restore_subscriptions(link_state& l) {
    std::vector<std::string> missing;
    for (const auto& t : s.registry_.restorable())
      if (!l.subscribed.contains(t)) missing.push_back(t);
    queue_subscribe(l, missing, true);
  }

  void primary_opened(time_point now, wall_us wall) {
    link_state& l = *m.primary;
    configure_link(l, now);
    s.registry_.reset_pending();
    for (const auto& t : l.url_topics) s.registry_.set_status(t, topic_status::active);
    restore_subscriptions(l);
    m.healthy_since = now;
    // A stream's silence is measured from the moment it could have spoken again.
    for (auto& [name, st] : m.streams) st.stale = false;
    if (s.state_ == connection_state::connecting) {
      emit(event_kind::connected, severity::info, "connected", wall, l.id);
      transition(connection_state::connected, "connected", now, wall);
    } else {
      const duration latency = now - m.lost_at;
      ++s.counters_.reconnect_successes;
      m.last_reconnect_wall = wall;
      m.last_reconnect_latency = latency;
      emit(event_kind::reconnect_success, severity::info,
           fmt::format("reconnected after {}", describe(latency)), wall, l.id, latency,
           m.reconnect_backoff.attempts());
      transition(clustered(now) ? connection_state::unstable : connection_state::connected,
                 clustered(now) ? "reconnected, but reconnects are clustering" : "reconnected",
                 now, wall);
    }
    flush(l, now);
  }

  void candidate_opened(time_point now, wall_us wall) {
    link_state& l = *m.candidate;
    configure_link(l, now);
    restore_subscriptions(l);
    m.turnover.candidate_opened(now);
    m.rotation_backoff.reset();
    emit(event_kind::connected, severity::info, "rotation: new connection open", wall, l.id);
    flush(l, now);
    maybe_switch(now, wall);
  }

  bool clustered(time_point now) {
    while (!m.reconnect_times.empty() &&
           now - m.reconnect_times.front() > s.config_.reconnect_cluster_window)
      m.reconnect_times.pop_front();
    return static_cast<int>(m.reconnect_times.size()) >= s.config_.reconnect_cluster;
  }

  // ---- failures --------------------------------------------------------------------
  duration retry_delay(backoff& b, const failure& why) {
    duration delay = b.next_delay(m.random);
    if (why.code == error_condition_kind::rate_limited)
      delay = std::max(delay, why.retry_after.count() > 0 ? why.retry_after : b.policy().max);
    return delay;
  }

  void go_failed(const failure& why, time_point now, wall_us wall) {
    if (m.primary) close(*m.primary, 1000, "failed");
    if (m.candidate) close(*m.candidate, 1000, "failed");
    m.primary.reset();
    m.candidate.reset();
    end_rotation();
    m.reconnect_at = never;
    m.next_housekeeping = never;
    emit(event_kind::error, severity::critical, why.to_string(), wall);
    transition(connection_state::failed, why.to_string(), now, wall);
  }

  // The primary's connection attempt failed (before it opened).
  void primary_attempt_failed(const failure& why, time_point now, wall_us wall) {
    const link_id id = m.primary ? m.primary->id : 0;
    m.primary.reset();
    ++s.counters_.reconnect_failures;
    m.quality.record_error(now);
    emit(event_kind::reconnect_failed, severity::warning, why.to_string(), wall, id, duration{0},
         m.reconnect_backoff.attempts());
    if (!is_retryable(why.code)) return go_failed(why, now, wall);
    if (m.reconnect_backoff.exhausted()) {
      failure f{make_error_code(errc::max_attempts_exceeded), 0, {}, 0,
                fmt::format("{} attempts; last: {}", m.reconnect_backoff.attempts(), why.to_string())};
      return go_failed(f, now, wall);
    }
    m.reconnect_at = now + retry_delay(m.reconnect_backoff, why);
    if (s.state_ == connection_state::connecting) {
      m.lost_at = now;
      transition(connection_state::reconnecting, why.to_string(), now, wall);
    }
  }

  // The live primary is gone.
  void primary_lost(const failure& why, time_point now, wall_us wall) {
    const link_id id = m.primary->id;
    m.primary.reset();
    m.quality.record_error(now);
    emit(event_kind::disconnected, severity::warning, why.to_string(), wall, id);
    if (m.turnover.active() && m.candidate && m.candidate->is_open()) {
      switch_over(now, wall, "the old connection was lost first");
      return;
    }
    m.lost_at = now;
    m.reconnect_times.push_back(now);
    m.quality.record_reconnect(now);
    if (!is_retryable(why.code)) return go_failed(why, now, wall);
    if (m.turnover.active() && m.candidate) {
      // The rotation's connection attempt becomes the reconnect attempt.
      m.primary = std::move(m.candidate);
      m.candidate.reset();
      end_rotation();
    } else {
      end_rotation();
      m.reconnect_at = now + retry_delay(m.reconnect_backoff, why);
    }
    transition(connection_state::reconnecting, why.to_string(), now, wall);
  }

  void drop_primary(errc code, std::string detail, time_point now, wall_us wall) {
    close(*m.primary, code == errc::service_restart ? 1001 : 4000, detail);
    primary_lost(failure{make_error_code(code), 0, {}, 0, std::move(detail)}, now, wall);
  }

  void candidate_failed(const failure& why, time_point now, wall_us wall) {
    const link_id id = m.candidate->id;
    m.candidate.reset();
    m.turnover.candidate_failed(m.streams);
    emit(event_kind::error, severity::warning, "rotation: new connection failed: " + why.to_string(),
         wall, id);
    m.rotation_retry_at = now + retry_delay(m.rotation_backoff, why);
  }

  // ---- rotation ---------------------------------------------------------------
  void begin_rotation(std::string_view reason, time_point now, wall_us wall) {
    if (m.turnover.active() || !m.primary || !m.primary->is_open()) return;
    m.turnover.begin(reason, now);
    m.rotation_backoff.reset();
    emit(event_kind::rotation_started, severity::info, std::string(reason), wall, m.primary->id);
    open_link_now(true, now);
  }

  void end_rotation() {
    m.turnover.end(m.streams);
    m.rotation_retry_at = never;
    m.rotation_slot_reserved = false;
  }

  bool candidate_subscribed() const {
    for (const auto& t : s.registry_.restorable())
      if (!m.candidate->subscribed.contains(t)) return false;
    return true;
  }

  void maybe_switch(time_point now, wall_us wall) {
    if (!m.turnover.active() || !m.candidate || !m.candidate->is_open()) return;
    if (!candidate_subscribed()) return;
    if (!m.turnover.without_overlap(m.streams, now).empty()) return;
    switch_over(now, wall, "overlap confirmed");
  }

  void deliver(link_id link, std::string_view stream, std::uint64_t seq, bool has_seq, bool resets,
               std::string_view frame, wall_us received, const record_batch* records, time_point now) {
    ++s.counters_.messages;
    s.counters_.bytes += frame.size();
    if (s.callbacks_.on_message)
      s.callbacks_.on_message(message{link, stream, seq, has_seq, resets, frame, received, records, now});
  }

  void switch_over(time_point now, wall_us wall, std::string_view why) {
    link_state& next = *m.candidate;
    const auto not_shown = m.turnover.without_overlap(m.streams, now);
    // Messages the new link delivered while we waited, minus what the old one
    // already delivered.
    for (const auto& h : m.turnover.take_held()) {
      stream_state& st = m.streams[h.stream];
      bool fresh;
      if (h.has_seq) {
        fresh = st.advance(h.seq);
      } else {
        fresh = !m.primary_identities.delivered(h.identity);
      }
      if (!fresh) {
        ++s.counters_.duplicates_dropped;
        continue;
      }
      st.last_msg = now;
      // Held frames are parsed again: records do not outlive their decode.
      const inbound again = s.protocol_->decode(h.frame);
      deliver(next.id, h.stream, h.seq, h.has_seq, h.resets_sequence, h.frame, h.received, again.records, now);
    }
    if (m.primary) close(*m.primary, 1000, "rotated");
    m.primary = std::move(m.candidate);
    m.candidate.reset();
    for (const auto& t : m.primary->subscribed) s.registry_.set_status(t, topic_status::active);
    const duration took = now - m.turnover.started();
    std::string reason = fmt::format("{} ({}): {}", m.turnover.reason(), describe(took), why);
    end_rotation();
    ++s.counters_.rotations;
    if (!not_shown.empty())
      reason += fmt::format("; overlap not shown for {}", join_topics(not_shown));
    emit(event_kind::rotation_completed, not_shown.empty() ? severity::info : severity::warning,
         std::move(reason), wall, m.primary->id, took);
    flush(*m.primary, now);
  }

  // ---- data -------------------------------------------------------------------
  stream_state* stream(std::string_view name) {
    if (m.last_stream && same_text(name, m.last_stream_name)) return m.last_stream;
    auto it = m.streams.find(name);
    if (it == m.streams.end()) {
      if (m.streams.size() >= s.registry_.size() + extra_streams_allowed) return nullptr;
      it = m.streams.emplace(std::string(name), stream_state{}).first;
    }
    m.last_stream_name = it->first;
    m.last_stream = &it->second;
    return m.last_stream;
  }

  void note_arrival(stream_state& st, std::string_view name, time_point now, wall_us wall) {
    if (m.stale.on_message(st, now)) {
      emit(event_kind::stream_resumed, severity::info, fmt::format("{} resumed", name), wall,
           m.primary ? m.primary->id : 0);
    }
  }

  void primary_data(link_state& l, const inbound& in, std::string_view frame, time_point now,
                    wall_us wall) {
    stream_state* st = stream(in.stream);
    if (st) {
      note_arrival(*st, in.stream, now, wall);
      if (in.has_seq && !st->advance(in.seq, in.resets_sequence)) {
        ++s.counters_.duplicates_dropped;
        return;
      }
      if (!in.has_seq) {
        const std::uint64_t id = stream_dedup::identity(in.stream, frame);
        if (!m.primary_identities.deliver(id, now)) {
          ++s.counters_.duplicates_dropped;
          return;
        }
        m.turnover.primary_delivered_identity(*st, id);
      } else {
        m.turnover.primary_delivered(*st, st->watermark);
      }
    }
    deliver(l.id, in.stream, in.seq, in.has_seq, in.resets_sequence, frame, wall, in.records, now);
    if (m.turnover.active() && st && st->overlapped) maybe_switch(now, wall);
  }

  void candidate_data(const inbound& in, std::string_view frame, time_point now, wall_us wall) {
    stream_state* st = stream(in.stream);
    if (!st) return;
    switch (m.turnover.candidate_message(*st, *st, m.primary_identities, in, frame, wall)) {
      case rotation::outcome::overlap_shown:
        maybe_switch(now, wall);
        break;
      case rotation::outcome::hold_full:
        switch_over(now, wall, "hold buffer full");
        break;
      case rotation::outcome::delivered_already:
      case rotation::outcome::held:
        break;
    }
  }

  // ---- acks ----------------------------------------------------------------------
  void on_ack(link_state& l, const inbound& in, time_point now, wall_us wall) {
    const std::vector<std::string> acked = l.control.answer(in.has_request_id, in.request_id, in.topic);
    if (acked.empty()) return;
    for (const auto& t : acked) {
      if (!s.registry_.contains(t)) continue;  // unsubscribed meanwhile
      l.subscribed.insert(t);
      if (!m.is_candidate(l)) s.registry_.set_status(t, topic_status::active);
    }
    if (!acked.empty() && !m.is_candidate(l))
      emit(event_kind::subscribed, severity::info, fmt::format("subscribed {}", join_topics(acked)),
           wall, l.id);
    if (m.is_candidate(l)) maybe_switch(now, wall);
  }

  void on_nack(link_state& l, const inbound& in, time_point now, wall_us wall) {
    std::vector<std::string> refused = l.control.answer(in.has_request_id, in.request_id, in.topic);
    if (refused.empty() && !in.topic.empty() && s.registry_.contains(in.topic)) refused.emplace_back(in.topic);
    const std::string why =
        fmt::format("{}{}{}", make_error_code(in.error).message(), in.reason.empty() ? "" : ": ",
                    in.reason);
    m.quality.record_error(now);
    if (refused.empty()) {
      emit(event_kind::error, severity::warning, "venue error: " + why, wall, l.id);
      return;
    }
    for (const auto& t : refused) {
      l.subscribed.erase(t);
      s.registry_.set_status(t, topic_status::failed, why);
      m.forget_stream(t);
    }
    emit(event_kind::subscription_failed, severity::warning,
         fmt::format("{} refused: {}", join_topics(refused), why), wall, l.id);
    if (m.is_candidate(l)) maybe_switch(now, wall);
  }

  // ---- timers ---------------------------------------------------------------------
  void heartbeats(link_state& l, time_point now, wall_us wall, bool& dropped) {
    if (const auto missed = l.beat.expired(now)) {
      const std::string_view what = *missed == heartbeat::missed::ws_pong ? "pong" : "application pong";
      ++s.counters_.heartbeat_timeouts;
      m.quality.record_late_pong(now);
      const std::string why = fmt::format("no {} within {}", what, describe(m.beat.pong_timeout));
      emit(event_kind::heartbeat_timeout, severity::warning, why, wall, l.id);
      dropped = true;
      if (m.is_candidate(l)) {
        close(l, 4000, "heartbeat timeout");
        candidate_failed(failure{make_error_code(errc::pong_timeout), 0, {}, 0, std::string(what)}, now, wall);
      } else {
        drop_primary(errc::pong_timeout, why, now, wall);
      }
      return;
    }
    if (l.beat.ws_ping_due(now)) {
      if (take_heartbeat_token(l, now))
        s.actions_.push_back(send_frame{l.id, frame_kind::ping, std::string(l.beat.send_ws_ping(now))});
      else
        l.beat.defer_ws_ping(l.control.next_token(now));
    }
    if (l.beat.app_ping_due(now, l.last_rx)) {
      if (take_heartbeat_token(l, now)) {
        l.beat.send_app_ping(now);
        s.actions_.push_back(send_frame{l.id, frame_kind::text, s.protocol_->heartbeat().app_ping_payload});
      } else {
        l.beat.defer_app_ping(l.control.next_token(now));
      }
    }
  }

  // A solicited pong's round trip, into the quality tracker.
  void pong_received(std::optional<duration> rtt, time_point now) {
    if (!rtt) return;
    m.quality.record_rtt(*rtt);
    if (*rtt > std::chrono::duration_cast<duration>(m.beat.pong_timeout * s.config_.late_pong_fraction))
      m.quality.record_late_pong(now);
  }

  bool expects_data(const link_state& l) const {
    return !l.subscribed.empty() || s.registry_.count(topic_status::failed) < s.registry_.size();
  }

  void watchdogs(time_point now, wall_us wall) {
    if (!m.primary || !m.primary->is_open()) return;
    link_state& l = *m.primary;
    const duration idle = s.config_.idle_timeout;
    if (idle.count() > 0 && expects_data(l) && now - l.last_data >= idle) {
      m.quality.record_error(now);
      drop_primary(errc::idle_timeout, fmt::format("no data for {}", describe(now - l.last_data)),
                   now, wall);
      return;
    }
    if (l.rotation_due <= now) {
      l.rotation_due = never;
      if (!m.turnover.active())
        begin_rotation(fmt::format("lifetime of {} ends",
                                   describe(s.config_.lifetime.value_or(s.protocol_->limits().lifetime))),
                     now, wall);
    }
  }

  void check_staleness(time_point now, wall_us wall) {
    if (!m.primary || !m.primary->is_open()) return;
    const link_state& l = *m.primary;
    const auto verdict =
        m.stale.check(m.streams, l.opened_at, now, [&](std::string_view name, duration silent, duration usual) {
          emit(event_kind::stream_stale, severity::warning,
               fmt::format("{} silent for {} (usual gap {})", name, describe(silent), describe(usual)), wall, l.id);
        });
    if (verdict.all_stale()) {
      drop_primary(errc::data_frozen, fmt::format("all {} active streams stale", verdict.liquid), now, wall);
      return;
    }
    // A topic the venue took that has said nothing at all is as loud as a
    // stale one: most often a symbol the venue spells otherwise, or one it
    // does not trade. It is reported once; its first message is a resume.
    if (now - l.opened_at <= s.config_.stale_max) return;
    for (const auto& entry : s.registry_.entries()) {
      if (entry.status == topic_status::failed || m.streams.find(entry.topic) != m.streams.end()) continue;
      stream_state& st = m.streams.emplace(entry.topic, stream_state{}).first->second;
      st.stale = true;
      emit(event_kind::stream_stale, severity::warning,
           fmt::format("{} has delivered nothing in the {} since the connection opened", entry.topic,
                       describe(now - l.opened_at)),
           wall, l.id);
    }
  }

  void check_acks(time_point now, wall_us wall) {
    for (link_state* l : {m.primary ? &*m.primary : nullptr, m.candidate ? &*m.candidate : nullptr}) {
      if (!l || !l->is_open()) continue;
      for (auto& req : l->control.take_expired(now, s.config_.ack_timeout)) {
        if (req.retries < s.config_.ack_retries) {
          emit(event_kind::error, severity::notice,
               fmt::format("no ack for {}; sending again", join_topics(req.topics)), wall, l->id);
          l->control.resend(req, *s.protocol_, m.next_request);
        } else {
          const std::string why =
              fmt::format("no acknowledgement after {} attempts", req.retries + 1);
          for (const auto& t : req.topics) s.registry_.set_status(t, topic_status::failed, why);
          emit(event_kind::subscription_failed, severity::warning,
               fmt::format("{}: {}", join_topics(req.topics), why), wall, l->id);
        }
      }
    }
  }

  void check_quality(time_point now, wall_us wall) {
    if (!is_live(s.state_)) return;
    const int score = m.quality.score(now);
    const bool cluster = clustered(now);
    if (s.state_ == connection_state::connected && (score < s.config_.unstable_below || cluster)) {
      const std::string why = cluster ? fmt::format("{} reconnects within {}", m.reconnect_times.size(),
                                                    describe(s.config_.reconnect_cluster_window))
                                      : fmt::format("quality score {}", score);
      emit(event_kind::quality_degraded, severity::warning, why, wall, m.primary ? m.primary->id : 0);
      transition(connection_state::unstable, why, now, wall);
    } else if (s.state_ == connection_state::unstable && score >= s.config_.stable_at && !cluster) {
      const std::string why = fmt::format("quality score {}", score);
      emit(event_kind::quality_improved, severity::info, why, wall, m.primary ? m.primary->id : 0);
      transition(connection_state::connected, why, now, wall);
    }
    if (s.state_ == connection_state::connected && m.healthy_since != never &&
        now - m.healthy_since >= s.config_.backoff.reset_after)
      m.reconnect_backoff.reset();
  }

  void housekeeping(time_point now, wall_us wall) {
    m.next_housekeeping = now + s.config_.housekeeping_interval;
    check_staleness(now, wall);
    check_acks(now, wall);
    check_quality(now, wall);
    m.primary_identities.expire(now);
    s.publish(now);
  }

  time_point next_deadline(time_point now) {
    if (s.state_ == connection_state::failed || s.state_ == connection_state::disconnected)
      return never;
    time_point next = std::min({m.reconnect_at, m.rotation_retry_at, m.turnover.overlap_deadline(),
                                m.next_housekeeping});
    for (link_state* l : {m.primary ? &*m.primary : nullptr, m.candidate ? &*m.candidate : nullptr}) {
      if (!l) continue;
      if (l->phase == link_phase::opening) {
        next = std::min(next, l->open_deadline);
        continue;
      }
      next = std::min(next, l->beat.next_deadline());
      if (!m.is_candidate(*l)) {
        next = std::min(next, l->rotation_due);
        if (s.config_.idle_timeout.count() > 0 && expects_data(*l))
          next = std::min(next, l->last_data + s.config_.idle_timeout);
      }
      next = std::min(next, l->control.next_send(now));
    }
    return next;
  }

  void rearm(time_point now) {
    const time_point next = next_deadline(now);
    if (next != s.armed_) {
      s.armed_ = next;
      s.actions_.push_back(arm_timer{next});
    }
  }
};


// ---------------------------------------------------------------------------
// Public interface

supervisor::supervisor(supervisor_config config, std::shared_ptr<venue_protocol> protocol,
                       std::vector<std::string> topics, time_point now, wall_us wall_now,
                       std::shared_ptr<connect_limiter> limiter)
    : config_(std::move(config)), protocol_(std::move(protocol)), journal_(config_.journal_capacity) {
  if (!protocol_) throw std::invalid_argument("supervisor: a venue protocol is required");
  if (auto problems = config_.validate(); !problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    throw std::invalid_argument(fmt::format("supervisor {}: {}", config_.name, all));
  }
  impl_ = std::make_unique<impl>(config_, now);
  impl_->limiter = std::move(limiter);
  const auto& hb = protocol_->heartbeat();
  impl_->beat.ws_ping_interval = config_.ws_ping_interval.value_or(hb.ws_ping_interval);
  impl_->beat.app_ping_interval =
      hb.app_ping_payload.empty() ? duration{0} : config_.app_ping_interval.value_or(hb.app_ping_interval);
  impl_->beat.pong_timeout = config_.pong_timeout.value_or(hb.pong_timeout);
  impl_->beat.app_ping_when_idle = hb.app_ping_when_idle;
  const std::size_t limit = protocol_->limits().topics_per_connection;
  if (limit > 0 && topics.size() > limit)
    throw std::invalid_argument(fmt::format(
        "supervisor {}: {} topics exceed the venue's limit of {} per connection; shard them",
        config_.name, topics.size(), limit));
  registry_.add(topics);
  published_.name = config_.name;
  published_.venue = std::string(protocol_->name());
  (void)wall_now;
  publish(now);
}

supervisor::~supervisor() = default;

void supervisor::start(time_point now, wall_us wall) {
  if (state_ != connection_state::disconnected && state_ != connection_state::failed) return;
  supervisor_access a{*this, *impl_};
  impl_->reconnect_backoff.reset();
  impl_->next_housekeeping = now + config_.housekeeping_interval;
  a.transition(connection_state::connecting, "start", now, wall);
  if (!a.open_link_now(false, now)) {
    // Waiting for the venue's connection budget: the attempt happens on the timer.
  }
  a.rearm(now);
}

void supervisor::stop(time_point now, wall_us wall, std::string_view reason) {
  if (state_ == connection_state::disconnected) return;
  supervisor_access a{*this, *impl_};
  if (impl_->primary) a.close(*impl_->primary, 1000, reason);
  if (impl_->candidate) a.close(*impl_->candidate, 1000, reason);
  impl_->primary.reset();
  impl_->candidate.reset();
  a.end_rotation();
  impl_->reconnect_at = never;
  impl_->reconnect_slot_reserved = false;
  impl_->next_housekeeping = never;
  a.emit(event_kind::disconnected, severity::info, std::string(reason), wall);
  a.transition(connection_state::disconnected, reason, now, wall);
  a.rearm(now);
}

void supervisor::on_open(link_id link, time_point now, wall_us wall) {
  link_state* l = impl_->find(link);
  if (!l || l->phase != link_phase::opening) return;
  supervisor_access a{*this, *impl_};
  if (impl_->is_candidate(*l))
    a.candidate_opened(now, wall);
  else
    a.primary_opened(now, wall);
  a.rearm(now);
}

void supervisor::on_open_failed(link_id link, const failure& why, time_point now, wall_us wall) {
  link_state* l = impl_->find(link);
  if (!l || l->phase != link_phase::opening) return;
  supervisor_access a{*this, *impl_};
  if (impl_->is_candidate(*l))
    a.candidate_failed(why, now, wall);
  else
    a.primary_attempt_failed(why, now, wall);
  a.rearm(now);
}

void supervisor::on_closed(link_id link, const failure& why, time_point now, wall_us wall) {
  link_state* l = impl_->find(link);
  if (!l) return;
  if (l->phase == link_phase::opening) return on_open_failed(link, why, now, wall);
  supervisor_access a{*this, *impl_};
  if (impl_->is_candidate(*l))
    a.candidate_failed(why, now, wall);
  else
    a.primary_lost(why, now, wall);
  a.rearm(now);
}

void supervisor::on_frame(link_id link, std::string_view frame, time_point now, wall_us wall, frame_room room) {
  link_state* l = impl_->find(link);
  if (!l || !l->is_open()) return;
  ++counters_.frames;
  l->last_rx = now;
  const inbound in = room == frame_room::padded ? protocol_->decode_padded(frame) : protocol_->decode(frame);
  supervisor_access a{*this, *impl_};
  if (in.kind == inbound_kind::data) {
    l->last_data = now;
    impl_->quality.record_message(now);
    if (impl_->is_candidate(*l))
      a.candidate_data(in, frame, now, wall);
    else
      a.primary_data(*l, in, frame, now, wall);
    if (!actions_.empty()) a.rearm(now);  // a switch-over happened
    return;
  }
  switch (in.kind) {
    case inbound_kind::pong:
      a.pong_received(l->beat.on_app_pong(now), now);
      break;
    case inbound_kind::ping:
      l->control.reply_first(std::string(in.reply));
      a.flush(*l, now);
      break;
    case inbound_kind::ack:
      a.on_ack(*l, in, now, wall);
      break;
    case inbound_kind::nack:
      a.on_nack(*l, in, now, wall);
      break;
    case inbound_kind::notice: {
      const std::string why = fmt::format("venue notice: {}", in.reason.empty() ? "maintenance" : in.reason);
      a.emit(event_kind::error, severity::notice, why, wall, link);
      if (!impl_->is_candidate(*l)) a.begin_rotation(why, now, wall);
      break;
    }
    case inbound_kind::invalid: {
      ++counters_.invalid_frames;
      impl_->quality.record_error(now);
      ++impl_->invalid_since_event;
      // One event per ten seconds at most: a venue that floods garbage must not
      // wash the journal out.
      if (impl_->last_invalid_event == never || now - impl_->last_invalid_event >= seconds{10}) {
        a.emit(event_kind::error, severity::notice,
               fmt::format("{} invalid frame(s); last: {}{}", impl_->invalid_since_event,
                           make_error_code(in.error).message(),
                           in.reason.empty() ? std::string() : ": " + std::string(in.reason)),
               wall, link);
        impl_->last_invalid_event = now;
        impl_->invalid_since_event = 0;
      }
      break;
    }
    case inbound_kind::data:
    case inbound_kind::ignore:
      break;
  }
  a.rearm(now);
}

void supervisor::on_ping(link_id link, time_point now) {
  if (link_state* l = impl_->find(link); l && l->is_open()) l->last_rx = now;
}

void supervisor::on_pong(link_id link, std::string_view payload, time_point now, wall_us) {
  link_state* l = impl_->find(link);
  if (!l || !l->is_open()) return;
  l->last_rx = now;
  const auto rtt = l->beat.on_ws_pong(payload, now);
  if (!rtt) return;  // unsolicited, or a stale one
  supervisor_access a{*this, *impl_};
  a.pong_received(rtt, now);
  a.rearm(now);
}

void supervisor::on_timer(time_point now, wall_us wall) {
  supervisor_access a{*this, *impl_};
  auto& m = *impl_;
  armed_ = never;  // the driver's timer has fired
  if (state_ == connection_state::failed || state_ == connection_state::disconnected) return a.rearm(now);

  // Connection attempts that took too long.
  if (m.primary && m.primary->phase == link_phase::opening && m.primary->open_deadline <= now) {
    a.close(*m.primary, 1000, "connect timeout");
    a.primary_attempt_failed(failure{make_error_code(errc::connect_timeout), 0, {}, 0,
                                     fmt::format("no connection within {}", describe(config_.connect_timeout))},
                             now, wall);
  }
  if (m.candidate && m.candidate->phase == link_phase::opening && m.candidate->open_deadline <= now) {
    a.close(*m.candidate, 1000, "connect timeout");
    a.candidate_failed(failure{make_error_code(errc::connect_timeout), 0, {}, 0, "rotation"}, now, wall);
  }
  if (state_ == connection_state::failed) return a.rearm(now);

  // Attempts that were waiting for backoff or the venue's connection budget.
  if (m.reconnect_at <= now && !m.primary) {
    m.reconnect_at = never;
    if (a.open_link_now(false, now)) {
      ++counters_.reconnect_attempts;
      a.emit(event_kind::reconnect_attempt, severity::notice,
             fmt::format("attempt {}", m.reconnect_backoff.attempts()), wall, m.primary->id,
             duration{0}, m.reconnect_backoff.attempts());
    }
  }
  if (m.rotation_retry_at <= now && m.turnover.active() && !m.candidate) {
    m.rotation_retry_at = never;
    a.open_link_now(true, now);
  }

  // Heartbeats on every open link, then the primary's watchdogs.
  bool dropped = false;
  if (m.candidate && m.candidate->is_open()) a.heartbeats(*m.candidate, now, wall, dropped);
  dropped = false;
  if (m.primary && m.primary->is_open()) a.heartbeats(*m.primary, now, wall, dropped);
  if (!dropped) a.watchdogs(now, wall);

  if (m.turnover.active() && m.candidate && m.candidate->is_open() &&
      m.turnover.overlap_deadline() <= now)
    a.switch_over(now, wall, fmt::format("overlap wait of {} ended", describe(config_.overlap_timeout)));

  if (m.next_housekeeping <= now && state_ != connection_state::failed) a.housekeeping(now, wall);
  a.flush_all(now);
  a.rearm(now);
}

std::vector<std::string> supervisor::subscribe(std::span<const std::string> topics, time_point now,
                                               wall_us wall) {
  supervisor_access a{*this, *impl_};
  std::vector<std::string> wanted, refused;
  const std::size_t limit = protocol_->limits().topics_per_connection;
  std::size_t room = limit > 0 ? (limit > registry_.size() ? limit - registry_.size() : 0)
                               : static_cast<std::size_t>(-1);
  for (const auto& t : topics) {
    if (registry_.contains(t) || std::find(wanted.begin(), wanted.end(), t) != wanted.end()) continue;
    if (wanted.size() < room)
      wanted.push_back(t);
    else
      refused.push_back(t);
  }
  const auto added = registry_.add(wanted);
  for (link_state* l : {impl_->primary ? &*impl_->primary : nullptr,
                        impl_->candidate ? &*impl_->candidate : nullptr}) {
    if (l && l->is_open()) a.queue_subscribe(*l, added, true);
  }
  if (!refused.empty())
    a.emit(event_kind::subscription_failed, severity::warning,
           fmt::format("{} refused: the venue allows {} topics per connection", join_topics(refused), limit),
           wall);
  a.flush_all(now);
  a.rearm(now);
  return refused;
}

void supervisor::unsubscribe(std::span<const std::string> topics, time_point now, wall_us) {
  supervisor_access a{*this, *impl_};
  const auto removed = registry_.remove(topics);
  for (const auto& t : topics) impl_->forget_stream(t);
  for (link_state* l : {impl_->primary ? &*impl_->primary : nullptr,
                        impl_->candidate ? &*impl_->candidate : nullptr}) {
    if (!l) continue;
    std::vector<std::string> on_link;
    for (const auto& t : removed)
      if (l->subscribed.erase(t)) on_link.push_back(t);
    l->control.forget(removed);
    std::erase_if(l->url_topics, [&](const std::string& t) { return !registry_.contains(t); });
    if (l->is_open()) a.queue_subscribe(*l, on_link, false);
  }
  a.flush_all(now);
  a.rearm(now);
}

void supervisor::request_rotation(time_point now, wall_us wall, std::string_view reason) {
  supervisor_access a{*this, *impl_};
  a.begin_rotation(reason, now, wall);
  a.rearm(now);
}

void supervisor::request_reconnect(time_point now, wall_us wall, std::string_view reason) {
  supervisor_access a{*this, *impl_};
  if (state_ == connection_state::disconnected || state_ == connection_state::failed) {
    start(now, wall);
    return;
  }
  if (impl_->primary && impl_->primary->is_open()) {
    a.close(*impl_->primary, 1000, reason);
    const link_id id = impl_->primary->id;
    impl_->primary.reset();
    if (impl_->candidate) a.close(*impl_->candidate, 1000, reason);
    impl_->candidate.reset();
    a.end_rotation();
    impl_->lost_at = now;
    a.emit(event_kind::disconnected, severity::notice, std::string(reason), wall, id);
    impl_->reconnect_at = now;
    a.transition(connection_state::reconnecting, reason, now, wall);
    on_timer(now, wall);  // opens the new link at once
    return;
  }
  // Already between attempts: try now.
  if (!impl_->primary) {
    impl_->reconnect_at = now;
    on_timer(now, wall);
  }
}

std::vector<action> supervisor::take_actions() {
  std::vector<action> out;
  out.swap(actions_);
  return out;
}

quality_report supervisor::quality(time_point now) { return impl_->quality.report(now); }

link_id supervisor::primary_link() const noexcept { return impl_->primary ? impl_->primary->id : 0; }
link_id supervisor::candidate_link() const noexcept {
  return impl_->candidate ? impl_->candidate->id : 0;
}
std::size_t supervisor::open_links() const noexcept {
  return (impl_->primary ? 1 : 0) + (impl_->candidate ? 1 : 0);
}
bool supervisor::rotating() const noexcept { return impl_->turnover.active(); }

void supervisor::publish(time_point now) {
  supervisor_stats st;
  st.name = config_.name;
  st.venue = std::string(protocol_->name());
  st.state = state_;
  st.primary = primary_link();
  st.rotating = impl_ && impl_->turnover.active();
  if (impl_) {
    st.connected_since = impl_->connected_since_wall;
    st.last_reconnect = impl_->last_reconnect_wall;
    st.last_reconnect_latency = impl_->last_reconnect_latency;
    st.quality = impl_->quality.report(now);
    for (const auto& [name, s] : impl_->streams)
      if (s.stale) st.stale_streams.push_back(name);
    std::sort(st.stale_streams.begin(), st.stale_streams.end());
  }
  st.counters = counters_;
  st.topics = registry_.entries();
  st.events = journal_.entries();
  std::lock_guard lock(published_mutex_);
  published_ = std::move(st);
}

supervisor_stats supervisor::snapshot() const {
  std::lock_guard lock(published_mutex_);
  return published_;
}

}  // namespace sf
