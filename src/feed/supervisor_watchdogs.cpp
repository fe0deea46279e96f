// The supervisor's watchdogs: heartbeats, idle and stale data, the end of
// a link's lifetime, and the quality score's effect on the state.

#include "feed/supervisor_access.hpp"

#include <fmt/format.h>

namespace sf {

void supervisor_access::heartbeats(link_state& l, time_point now, wall_us wall, bool& dropped) {
  if (const auto missed = l.beat.expired(now)) {
    const std::string_view what =
        *missed == heartbeat::missed::ws_pong ? "pong" : "application pong";
    ++s.counters_.heartbeat_timeouts;
    m.quality.record_late_pong(now);
    const std::string why = fmt::format("no {} within {}", what, describe(m.beat.pong_timeout));
    emit(event_kind::heartbeat_timeout, severity::warning, why, wall, l.id);
    dropped = true;
    if (m.is_candidate(l)) {
      close(l, 4000, "heartbeat timeout");
      candidate_failed(failure{make_error_code(errc::pong_timeout), 0, {}, 0, std::string(what)},
                       now, wall);
    } else {
      drop_primary(errc::pong_timeout, why, now, wall);
    }
    return;
  }
  if (l.beat.ws_ping_due(now)) {
    if (take_heartbeat_token(l, now))
      s.actions_.push_back(
          send_frame{l.id, frame_kind::ping, std::string(l.beat.send_ws_ping(now))});
    else
      l.beat.defer_ws_ping(l.control.next_token(now));
  }
  if (l.beat.app_ping_due(now, l.last_rx)) {
    if (take_heartbeat_token(l, now)) {
      l.beat.send_app_ping(now);
      s.actions_.push_back(
          send_frame{l.id, frame_kind::text, s.protocol_->heartbeat().app_ping_payload});
    } else {
      l.beat.defer_app_ping(l.control.next_token(now));
    }
  }
}

// A solicited pong's round trip, into the quality tracker.
void supervisor_access::pong_received(std::optional<duration> rtt, time_point now) {
  if (!rtt) return;
  m.quality.record_rtt(*rtt);
  if (*rtt >
      std::chrono::duration_cast<duration>(m.beat.pong_timeout * s.config_.late_pong_fraction))
    m.quality.record_late_pong(now);
}

bool supervisor_access::expects_data(const link_state& l) const {
  return !l.subscribed.empty() || s.registry_.count(topic_status::failed) < s.registry_.size();
}

void supervisor_access::watchdogs(time_point now, wall_us wall) {
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
      begin_rotation(
          fmt::format("lifetime of {} ends",
                      describe(s.config_.lifetime.value_or(s.protocol_->limits().lifetime))),
          now, wall);
  }
}

void supervisor_access::check_staleness(time_point now, wall_us wall) {
  if (!m.primary || !m.primary->is_open()) return;
  const link_state& l = *m.primary;
  const auto verdict = m.stale.check(
      m.streams, l.opened_at, now, [&](std::string_view name, duration silent, duration usual) {
        emit(
            event_kind::stream_stale, severity::warning,
            fmt::format("{} silent for {} (usual gap {})", name, describe(silent), describe(usual)),
            wall, l.id);
      });
  if (verdict.all_stale()) {
    drop_primary(errc::data_frozen, fmt::format("all {} active streams stale", verdict.liquid), now,
                 wall);
    return;
  }
  // A topic the venue took that has said nothing at all is as loud as a
  // stale one: most often a symbol the venue spells otherwise, or one it
  // does not trade. It is reported once; its first message is a resume.
  if (now - l.opened_at <= s.config_.stale_max) return;
  for (const auto& entry : s.registry_.entries()) {
    if (entry.status == topic_status::failed || m.streams.find(entry.topic) != m.streams.end())
      continue;
    stream_state& st = m.streams.emplace(entry.topic, stream_state{}).first->second;
    st.stale = true;
    emit(event_kind::stream_stale, severity::warning,
         fmt::format("{} has delivered nothing in the {} since the connection opened", entry.topic,
                     describe(now - l.opened_at)),
         wall, l.id);
  }
}

void supervisor_access::check_quality(time_point now, wall_us wall) {
  if (!is_live(s.state_)) return;
  const int score = m.quality.score(now);
  const bool cluster = clustered(now);
  if (s.state_ == connection_state::connected && (score < s.config_.unstable_below || cluster)) {
    const std::string why = cluster
                                ? fmt::format("{} reconnects within {}", m.reconnect_times.size(),
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

void supervisor_access::housekeeping(time_point now, wall_us wall) {
  m.next_housekeeping = now + s.config_.housekeeping_interval;
  check_staleness(now, wall);
  check_acks(now, wall);
  if (now >= m.next_health_check) {
    m.next_health_check = now + s.config_.health_check_interval;
    check_quality(now, wall);
  }
  m.primary_identities.expire(now);
  s.publish(now);
}

}  // namespace sf
